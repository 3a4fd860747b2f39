import { listJobTemplates } from "@/lib/aws/jobs-create";
import { apiRoute } from "@/lib/http/api-route";
import { jobTemplatesRoute } from "@/lib/jobs/document-templates";

/** GET /api/jobs/templates → { templates }: the account's AWS IoT job templates, for the wizard's template picker (fleet.read). */
export const GET = apiRoute(jobTemplatesRoute, async () => ({ templates: await listJobTemplates() }));
