import { apiRoute } from "@/lib/http/api-route";
import { completeBody, completeUploadRoute } from "@/lib/jobs/draft-artifacts";
import { completeUpload, jsonBody } from "@/lib/jobs/draft-artifacts-service";

/** POST /api/artifacts/uploads/complete {key,uploadId,parts,sha256,size} → UploadedArtifact (CompleteMultipartUpload; jobs.write, audited). */
export const POST = apiRoute(completeUploadRoute, async ({ req }, { session }) => completeUpload(await jsonBody(req, completeBody), session));
