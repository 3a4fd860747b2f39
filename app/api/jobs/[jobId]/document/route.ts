import { getJobDocument } from "@/lib/aws/jobs";
import { apiRoute } from "@/lib/http/api-route";
import { jobDocumentRoute } from "@/lib/jobs/api";

/** GET /api/jobs/{jobId}/document → JobDocumentView: the document before substitution (no presigned URL is minted). */
export const GET = apiRoute(jobDocumentRoute, async ({ params: { jobId } }) => ({ document: await getJobDocument(jobId) }));
