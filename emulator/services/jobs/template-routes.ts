import type { Router } from "../../server/router";
import { invalid } from "../../server/errors";
import { epochSeconds } from "../iot/context";
import { decodeToken, encodeToken, pageLimit } from "../iot/pagination";
import { bodyOf } from "../iot/validation";
import type { JobsControlPlane } from "./model";
import type { JobTemplateRecord } from "./records";
import * as v from "./validation";

/** Job templates (CreateJobTemplate, DescribeJobTemplate, ListJobTemplates, DeleteJobTemplate). */
export function registerJobTemplateRoutes(router: Router, cp: JobsControlPlane): void {
  const idOf = (ctx: { params: Record<string, string> }) => v.checkId(ctx.params.jobTemplateId, "jobTemplateId");

  router.add("CreateJobTemplate", "PUT", "/job-templates/{jobTemplateId}", (ctx) => {
    const body = bodyOf(ctx);
    const id = idOf(ctx);
    const description = v.description(body.description);
    if (description === undefined) throw invalid("description is required");
    const jobArn = typeof body.jobArn === "string" ? body.jobArn : body.jobArn === undefined ? undefined : String(body.jobArn);
    const settings = v.settings(body);
    if (jobArn !== undefined && (settings.document !== undefined || settings.documentSource !== undefined)) {
      throw invalid("Specify jobArn, document or documentSource, not more than one");
    }
    const t = cp.createTemplate(
      id,
      { ...settings, description, maintenanceWindows: v.maintenanceWindows(body.maintenanceWindows, "maintenanceWindows"), tags: v.tags(body.tags) },
      jobArn,
    );
    return { body: { jobTemplateArn: cp.templateArn(t.jobTemplateId), jobTemplateId: t.jobTemplateId } };
  });

  router.add("DescribeJobTemplate", "GET", "/job-templates/{jobTemplateId}", (ctx) => {
    const t: JobTemplateRecord = cp.requireTemplate(idOf(ctx));
    const out: Record<string, unknown> = {
      jobTemplateArn: cp.templateArn(t.jobTemplateId),
      jobTemplateId: t.jobTemplateId,
      createdAt: epochSeconds(t.createdMs),
    };
    for (const key of [
      "description",
      "documentSource",
      "document",
      "presignedUrlConfig",
      "jobExecutionsRolloutConfig",
      "abortConfig",
      "timeoutConfig",
      "jobExecutionsRetryConfig",
      "maintenanceWindows",
      "destinationPackageVersions",
    ] as const) {
      if (t[key] !== undefined) out[key] = t[key];
    }
    return { body: out };
  });

  router.add("ListJobTemplates", "GET", "/job-templates", (ctx) => {
    const limit = pageLimit(ctx, "maxResults");
    const after = decodeToken<number>(ctx.query.get("nextToken"), "number");
    const all = [...cp.templates.values()].filter((t) => after === undefined || t.seq < after).sort((a, b) => b.seq - a.seq);
    const page = all.slice(0, limit);
    return {
      body: {
        jobTemplates: page.map((t) => ({
          jobTemplateArn: cp.templateArn(t.jobTemplateId),
          jobTemplateId: t.jobTemplateId,
          ...(t.description ? { description: t.description } : {}),
          createdAt: epochSeconds(t.createdMs),
        })),
        ...(all.length > limit ? { nextToken: encodeToken(page[page.length - 1].seq) } : {}),
      },
    };
  });

  router.add("DeleteJobTemplate", "DELETE", "/job-templates/{jobTemplateId}", (ctx) => {
    cp.deleteTemplate(idOf(ctx));
    return { body: {} };
  });
}
