import "server-only";
import {
  CreateJobCommand,
  DescribeJobCommand,
  DescribeJobTemplateCommand,
  DescribeThingCommand,
  ListJobsCommand,
  ListJobTemplatesCommand,
  type CreateJobCommandInput,
} from "@aws-sdk/client-iot";
import type { CreateJobRequest } from "@/lib/jobs/draft-request";
import { mapWithConcurrency } from "@/lib/async/limiter";
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
