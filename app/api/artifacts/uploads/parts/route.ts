import { apiRoute } from "@/lib/http/api-route";
import { listPartsRoute, uploadPartRoute } from "@/lib/jobs/draft-artifacts";
import { listParts, uploadPart } from "@/lib/jobs/draft-artifacts-service";

/** GET /api/artifacts/uploads/parts?key&uploadId → the parts S3 holds (ListParts), for resuming (jobs.write). */
export const GET = apiRoute(listPartsRoute, ({ query }) => listParts(query));

/** PUT /api/artifacts/uploads/parts?key&uploadId&partNumber, body: the part → { partNumber, etag } (UploadPart, streamed; jobs.write). */
export const PUT = apiRoute(uploadPartRoute, ({ query, req }) => uploadPart(req, query));
