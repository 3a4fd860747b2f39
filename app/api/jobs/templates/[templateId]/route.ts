import { describeJobTemplate } from "@/lib/aws/jobs-create";
import { apiRoute } from "@/lib/http/api-route";
import { jobTemplateRoute } from "@/lib/jobs/document-templates";

/** GET /api/jobs/templates/{templateId} → the template's document and settings, loaded into the wizard's draft (fleet.read). */
export const GET = apiRoute(jobTemplateRoute, ({ params: { templateId } }) => describeJobTemplate(templateId));
