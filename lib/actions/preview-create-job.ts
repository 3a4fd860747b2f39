"use server";
import "server-only";

import { z } from "zod";
import { action } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { fleetConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { draftSchema } from "@/lib/jobs/draft";
import { draftErrors, type CreateJobRequest } from "@/lib/jobs/draft-request";
import { prepareCreateJob } from "@/lib/jobs/draft-targets";

const input = z.object({ draft: draftSchema });

/** Target ARNs the preview returns; the rest are counted (a snapshot can name 10,000 things). */
const PREVIEW_TARGETS = 50;

/**
 * The review step's preview: the exact CreateJob request the create-job action would
 * send for this draft, and how many things it reaches. Reads only (not audited); the same
 * permission as creating the job, since it resolves targets on the operator's behalf.
 */
export const previewCreateJob = action({ name: "jobs.preview_create", requirement: "jobs.write", input, audited: false }, async ({ draft }, ctx) => {
  const canCreateGroups = can(ctx.session?.role, "registry.write");
  const errors = draftErrors(draft, { nowMs: Date.now(), region: fleetConfig().region, canCreateGroups });
  const first = Object.entries(errors)[0];
  if (first) throw new AppError("invalid_input", first[1], { reason: `field:${first[0]}` });
  const prepared = await prepareCreateJob(draft, { canCreateGroups });
  const request: CreateJobRequest = { ...prepared.request, targets: prepared.request.targets.slice(0, PREVIEW_TARGETS) };
  return {
    request,
    targetsTotal: prepared.request.targets.length,
    thingCount: prepared.thingCount,
    needsConfirmation: prepared.needsConfirmation,
    createsDynamicGroup: prepared.dynamicGroup?.name ?? null,
    createsStaticGroup: prepared.staticGroup ? { name: prepared.staticGroup.name, things: prepared.staticGroup.thingNames.length } : null,
  };
});
