import { apiRoute } from "@/lib/http/api-route";
import { listPartsRoute, uploadPartRoute } from "@/lib/jobs/draft-artifacts";
import { listParts, uploadPart } from "@/lib/jobs/draft-artifacts-service";

/** GET /api/artifacts/uploads/parts?key&uploadId → the parts S3 holds (ListParts), for resuming (jobs.write; the starter's own upload only). */
export const GET = apiRoute(listPartsRoute, ({ query }, { session }) => listParts(query, session));

/**
 * PUT /api/artifacts/uploads/parts?key&uploadId&partNumber, body: the part → { partNumber, etag } (UploadPart, streamed; jobs.write).
 * Only the upload's starter, a part number within the declared size, exactly that part's Content-Length.
 */
export const PUT = apiRoute(uploadPartRoute, ({ query, req }, { session }) => uploadPart(req, query, session));
