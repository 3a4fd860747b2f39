import "server-only";
import {
  AddThingToThingGroupCommand,
  CreateJobCommand,
  CreateThingGroupCommand,
  DeleteDynamicThingGroupCommand,
  DeleteThingGroupCommand,
  DescribeJobCommand,
  DescribeJobTemplateCommand,
  DescribeThingCommand,
  ListJobsCommand,
  ListJobTemplatesCommand,
  type CreateJobCommandInput,
} from "@aws-sdk/client-iot";
import type { CreateJobRequest } from "@/lib/jobs/draft-request";
import { mapWithConcurrency } from "@/lib/async/limiter";
import { AppError } from "@/lib/errors";
import { aws, collectPages, isoOrNull, readIot } from "./client";
import { awsRequestIdOf } from "./fleet-index";

/**
 * What the new-rollout wizard asks of AWS IoT Jobs: CreateJob, the account's job
 * templates, and the active jobs' targets for the blast radius. Reads spend the `jobs`
 * budget (lib/aws/budgets.ts).
 */

export interface CreatedJob {
  jobId: string;
  jobArn: string | null;
  awsRequestId: string | null;
}

/** CreateJob with exactly the request the review step showed. */
export async function createJob(request: CreateJobRequest): Promise<CreatedJob> {
  // The request's enums are the SDK's string values; the review step built it from checked input.
  const input = request as unknown as CreateJobCommandInput;
  const out = await aws("CreateJob", (c) => c.send(new CreateJobCommand(input)), { subject: request.jobId });
  return { jobId: out.jobId ?? request.jobId, jobArn: out.jobArn ?? null, awsRequestId: awsRequestIdOf(out) };
}

/** Whether a job with this id exists (ids stay taken until the job is deleted): one DescribeJob, checked before any group is made for it. */
export async function jobIdTaken(jobId: string): Promise<boolean> {
  try {
    await aws("DescribeJob", (c) => c.send(new DescribeJobCommand({ jobId })), { subject: jobId });
    return true;
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") return false;
    throw err;
  }
}

export interface CreatedTargetGroup {
  name: string;
  arn: string;
  /** CreateThingGroup's, for the audit trail. */
  awsRequestId: string | null;
}

/**
 * A static thing group holding `thingNames`: how a job reaches more things than
 * CreateJob's 100 targets. The group is made, then each thing added (AddThingToThingGroup,
 * eight at a time); if adding fails, the group just made is deleted again.
 */
export async function createStaticTargetGroup(input: { name: string; description: string; thingNames: string[] }): Promise<CreatedTargetGroup> {
  const out = await aws(
    "CreateThingGroup",
    (c) => c.send(new CreateThingGroupCommand({ thingGroupName: input.name, thingGroupProperties: { thingGroupDescription: input.description } })),
    { subject: input.name },
  );
  if (!out.thingGroupArn) throw new AppError("internal", "AWS IoT created the job's thing group but returned no ARN.");
  try {
    await mapWithConcurrency(input.thingNames, 8, (thingName) =>
      aws("AddThingToThingGroup", (c) => c.send(new AddThingToThingGroupCommand({ thingGroupName: input.name, thingName })), { subject: thingName }),
    );
  } catch (err) {
    // A group half filled is of no use: the one just made is removed (best effort), the error kept.
    await aws("DeleteThingGroup", (c) => c.send(new DeleteThingGroupCommand({ thingGroupName: input.name })), { subject: input.name }).catch(() => undefined);
    throw err;
  }
  return { name: out.thingGroupName ?? input.name, arn: out.thingGroupArn, awsRequestId: awsRequestIdOf(out) };
}

/** Deletes a group made for a job that was then not created; AWS's request id, for the audit trail. */
export async function deleteTargetGroup(name: string, kind: "static" | "dynamic"): Promise<string | null> {
  const out =
    kind === "static"
      ? await aws("DeleteThingGroup", (c) => c.send(new DeleteThingGroupCommand({ thingGroupName: name })), { subject: name })
      : await aws("DeleteDynamicThingGroup", (c) => c.send(new DeleteDynamicThingGroupCommand({ thingGroupName: name })), { subject: name });
  return awsRequestIdOf(out);
}

export interface JobTemplateSummary {
  id: string;
  arn: string | null;
  description: string | null;
  createdAt: string | null;
}

export async function listJobTemplates(): Promise<JobTemplateSummary[]> {
  const items = await collectPages(async (token) => {
    const out = await readIot({ operation: "ListJobTemplates", budget: "jobs", key: { nextToken: token } }, (c) =>
      c.send(new ListJobTemplatesCommand({ nextToken: token, maxResults: 250 })),
    );
    return { items: out.jobTemplates ?? [], next: out.nextToken };
  });
  return items
    .filter((t) => t.jobTemplateId)
    .map((t) => ({ id: t.jobTemplateId!, arn: t.jobTemplateArn ?? null, description: t.description || null, createdAt: isoOrNull(t.createdAt) }));
}

export interface JobTemplateDetail extends JobTemplateSummary {
  /** The template's document; null when it keeps one in S3 (documentSource), which the wizard does not load. */
  document: string | null;
  documentSource: string | null;
  timeoutMinutes: number | null;
  maximumPerMinute: number | null;
}

export async function describeJobTemplate(id: string): Promise<JobTemplateDetail> {
  const t = await readIot(
    { operation: "DescribeJobTemplate", budget: "jobs", key: { id } },
    (c) => c.send(new DescribeJobTemplateCommand({ jobTemplateId: id })),
    {
      subject: id,
    },
  );
  return {
    id: t.jobTemplateId ?? id,
    arn: t.jobTemplateArn ?? null,
    description: t.description || null,
    createdAt: isoOrNull(t.createdAt),
    document: t.document ?? null,
    documentSource: t.documentSource ?? null,
    timeoutMinutes: typeof t.timeoutConfig?.inProgressTimeoutInMinutes === "number" ? t.timeoutConfig.inProgressTimeoutInMinutes : null,
    maximumPerMinute: t.jobExecutionsRolloutConfig?.maximumPerMinute ?? null,
  };
}

export interface ActiveJobTargets {
  jobId: string;
  status: string;
  targets: string[];
}

/**
 * The jobs still rolling out or waiting to (IN_PROGRESS, SCHEDULED), newest first, with
 * their targets: at most `max` of them (one DescribeJob each), so the blast radius stays
 * bounded in calls however many jobs the account has.
 */
export async function listActiveJobTargets(max: number): Promise<{ jobs: ActiveJobTargets[]; more: boolean }> {
  const ids: Array<{ jobId: string; status: string }> = [];
  for (const status of ["IN_PROGRESS", "SCHEDULED"] as const) {
    const out = await readIot({ operation: "ListJobs", budget: "jobs", key: { status, maxResults: 100 } }, (c) =>
      c.send(new ListJobsCommand({ status, maxResults: 100 })),
    );
    for (const j of out.jobs ?? []) if (j.jobId) ids.push({ jobId: j.jobId, status });
  }
  const chosen = ids.slice(0, max);
  const jobs = await mapWithConcurrency(chosen, 4, async ({ jobId, status }) => {
    const d = await readIot({ operation: "DescribeJob", budget: "jobs", key: { jobId } }, (c) => c.send(new DescribeJobCommand({ jobId })));
    return { jobId, status, targets: d.job?.targets ?? [] };
  });
  return { jobs, more: ids.length > max };
}

/** The ARN of a thing as AWS names it, from one DescribeThing: the prefix of every other thing of the account. */
export async function thingArnPrefix(sampleThing: string): Promise<string> {
  const out = await readIot({ operation: "DescribeThing", budget: "registry", key: { thingName: sampleThing } }, (c) =>
    c.send(new DescribeThingCommand({ thingName: sampleThing })),
  );
  const arn = out.thingArn ?? "";
  const i = arn.lastIndexOf(":thing/");
  if (i < 0) throw new Error(`DescribeThing returned no thing ARN for ${sampleThing}`);
  return arn.slice(0, i + ":thing/".length);
}
