import { apiRoute } from "@/lib/http/api-route";
import { abortUploadRoute, startUploadBody, startUploadRoute } from "@/lib/jobs/draft-artifacts";
import { abortUpload, jsonBody, startUpload } from "@/lib/jobs/draft-artifacts-service";

/** POST /api/artifacts/uploads {fileName,size,version} → ArtifactUpload (CreateMultipartUpload in JOBS_ARTIFACT_BUCKET; jobs.write, audited). */
export const POST = apiRoute(startUploadRoute, async ({ req }, { session }) => startUpload(await jsonBody(req, startUploadBody), session));

/** DELETE /api/artifacts/uploads?key&uploadId → aborts the upload (jobs.write, audited). */
export const DELETE = apiRoute(abortUploadRoute, ({ query }, { session }) => abortUpload(query, session));
