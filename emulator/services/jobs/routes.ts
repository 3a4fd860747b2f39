import type { Router } from "../../server/router";
import { AwsError, invalid, notFound } from "../../server/errors";
import { epochSeconds } from "../iot/context";
import { decodeToken, encodeToken, pageLimit } from "../iot/pagination";
import { bodyOf, checkName, optionalInteger, queryBoolean } from "../iot/validation";
import { checkStatusDetails } from "./execution-input";
import type { JobState } from "./engine";
import type { JobsControlPlane } from "./model";
import { EXECUTION_STATUSES, type ExecutionRecord, type JobRecord, type JobStatus } from "./records";
import * as v from "./validation";

/**
 * The Jobs control-plane routes of the `iot` service: each parses the request into a
 * typed input, calls the model (model.ts / engine.ts) and renders the answer.
 */

const JOB_STATUSES: readonly JobStatus[] = ["IN_PROGRESS", "CANCELED", "COMPLETED", "DELETION_IN_PROGRESS", "SCHEDULED"];

function queryEnum<T extends string>(raw: string | null, member: string, values: readonly T[]): T | undefined {
  if (raw === null || raw === "") return undefined;
  if (!values.includes(raw as T)) {
    throw invalid(
      `1 validation error detected: Value '${raw}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(", ")}]`,
    );
  }
  return raw as T;
}

const dateTime = (ms: number) => new Date(ms).toISOString().slice(0, 16);

export function registerJobRoutes(router: Router, cp: JobsControlPlane): void {
  const { engine } = cp;
  const { registry } = engine;

  /** The rollout has targets left to notify (the cancel is immediate here, so only a rollout counts). */
  const rollingOut = (job: JobState) => job.rec.status === "IN_PROGRESS" && !job.rec.rolloutStopped && job.rec.released < job.targets.length;

  const renderJob = (job: JobState) => {
    const r: JobRecord = job.rec;
    const c = r.counts;
    const out: Record<string, unknown> = {
      jobArn: cp.jobArn(r.jobId),
      jobId: r.jobId,
      targetSelection: r.targetSelection,
      status: r.status,
      targets: r.targets,
      createdAt: epochSeconds(r.createdMs),
      lastUpdatedAt: epochSeconds(r.lastUpdatedMs),
      jobProcessDetails: {
        numberOfCanceledThings: c.CANCELED,
        numberOfSucceededThings: c.SUCCEEDED,
        numberOfFailedThings: c.FAILED,
        numberOfRejectedThings: c.REJECTED,
        numberOfQueuedThings: c.QUEUED,
        numberOfInProgressThings: c.IN_PROGRESS,
        numberOfRemovedThings: c.REMOVED,
        numberOfTimedOutThings: c.TIMED_OUT,
        // Targets still being rolled out to; absent once the rollout has reached them all.
        ...(r.released < job.targets.length && !r.rolloutStopped && (r.status === "IN_PROGRESS" || r.status === "SCHEDULED")
          ? { processingTargets: r.targets }
          : {}),
      },
      // "true when a job is rolling out new job executions or canceling previously created executions" (API Job).
      isConcurrent: rollingOut(job),
    };
    if (r.status === "CANCELED") out.forceCanceled = r.forceCanceled === true;
    for (const key of [
      "reasonCode",
      "comment",
      "description",
      "presignedUrlConfig",
      "jobExecutionsRolloutConfig",
      "abortConfig",
      "timeoutConfig",
      "namespaceId",
      "jobTemplateArn",
      "jobExecutionsRetryConfig",
      "documentParameters",
      "schedulingConfig",
      "destinationPackageVersions",
    ] as const) {
      if (r[key] !== undefined) out[key] = r[key];
    }
    if (r.completedMs !== undefined) out.completedAt = epochSeconds(r.completedMs);
    if (job.windows && r.status !== "COMPLETED" && r.status !== "CANCELED") {
      // "Displays the next seven maintenance window occurrences and their start times" (API ScheduledJobRollout).
      out.scheduledJobRollouts = engine.upcomingRollouts(job, Math.max(engine.now(), job.startMs ?? 0), 7).map((ms) => ({ startTime: dateTime(ms) }));
    }
    return out;
  };

  const summaryOf = (e: ExecutionRecord) => {
    const s: Record<string, unknown> = {
      status: e.status,
      queuedAt: epochSeconds(e.queuedMs),
      lastUpdatedAt: epochSeconds(e.lastUpdatedMs),
      executionNumber: e.executionNumber,
      retryAttempt: e.retryAttempt,
    };
    if (e.startedMs !== undefined) s.startedAt = epochSeconds(e.startedMs);
    return s;
  };

  const jobOf = (ctx: { params: Record<string, string> }) => engine.requireJob(v.checkId(ctx.params.jobId, "jobId"), { live: true });
  const created = (job: JobState) => ({
    body: { jobArn: cp.jobArn(job.rec.jobId), jobId: job.rec.jobId, ...(job.rec.description ? { description: job.rec.description } : {}) },
  });

  router.add("CreateJob", "PUT", "/jobs/{jobId}", async (ctx) => {
    const body = bodyOf(ctx);
    const job = await cp.createJob({
      ...v.settings(body),
      jobId: v.checkId(ctx.params.jobId, "jobId"),
      targets: v.targets(body.targets),
      targetSelection: queryEnum((body.targetSelection as string | undefined) ?? null, "targetSelection", ["CONTINUOUS", "SNAPSHOT"] as const) ?? "SNAPSHOT",
      schedulingConfig: v.schedulingConfig(body.schedulingConfig),
      jobTemplateArn: v.templateArn(body.jobTemplateArn),
      namespaceId: v.namespaceId(body.namespaceId),
      documentParameters: v.documentParameters(body.documentParameters),
      tags: v.tags(body.tags),
    });
    return created(job);
  });

  router.add("DescribeJob", "GET", "/jobs/{jobId}", (ctx) => {
    queryBoolean(ctx, "beforeSubstitution");
    const job = engine.requireJob(v.checkId(ctx.params.jobId, "jobId"));
    return { body: { job: renderJob(job), ...(job.rec.documentSource ? { documentSource: job.rec.documentSource } : {}) } };
  });

  router.add("GetJobDocument", "GET", "/jobs/{jobId}/job-document", (ctx) => {
    queryBoolean(ctx, "beforeSubstitution");
    return { body: { document: jobOf(ctx).rec.document ?? "" } };
  });

  router.add("UpdateJob", "PATCH", "/jobs/{jobId}", (ctx) => {
    const body = bodyOf(ctx);
    v.namespaceId(ctx.query.get("namespaceId") || undefined);
    const job = jobOf(ctx);
    const s = v.settings({ ...body, document: undefined, documentSource: undefined, destinationPackageVersions: undefined });
    cp.updateJob(job, s);
    return { body: {} };
  });

  router.add("CancelJob", "PUT", "/jobs/{jobId}/cancel", (ctx) => {
    const body = bodyOf(ctx);
    const job = jobOf(ctx);
    engine.cancelJob(
      job,
      { force: queryBoolean(ctx, "force") ?? false, reasonCode: v.reasonCode(body.reasonCode), comment: v.comment(body.comment) },
      engine.now(),
    );
    return created(job);
  });

  router.add("DeleteJob", "DELETE", "/jobs/{jobId}", (ctx) => {
    v.namespaceId(ctx.query.get("namespaceId") || undefined);
    const job = engine.requireJob(v.checkId(ctx.params.jobId, "jobId"));
    engine.deleteJob(job, queryBoolean(ctx, "force") ?? false, engine.now());
    return { body: {} };
  });

  router.add("ListJobs", "GET", "/jobs", (ctx) => {
    const status = queryEnum(ctx.query.get("status"), "status", JOB_STATUSES);
    const selection = queryEnum(ctx.query.get("targetSelection"), "targetSelection", ["CONTINUOUS", "SNAPSHOT"] as const);
    const groupName = ctx.query.get("thingGroupName") || undefined;
    const groupId = v.thingGroupId(ctx.query.get("thingGroupId") || undefined);
    const ns = v.namespaceId(ctx.query.get("namespaceId") || undefined);
    if (groupName !== undefined) checkName(groupName, "thingGroupName");
    const limit = pageLimit(ctx, "maxResults");
    const after = decodeToken<number>(ctx.query.get("nextToken"), "number");
    let groupArn: string | undefined;
    if (groupName !== undefined) groupArn = registry.groupArn(groupName);
    if (groupId !== undefined) {
      const g = [...registry.groups.values()].find((x) => x.id === groupId);
      if (!g) return { body: { jobs: [] } };
      groupArn = registry.groupArn(g.name);
    }
    // Newest first; the token is the creation sequence of the last job returned.
    const jobs = [...engine.jobs.values()]
      .filter(
        (j) =>
          (after === undefined || j.rec.seq < after) &&
          (!status || j.rec.status === status) &&
          (!selection || j.rec.targetSelection === selection) &&
          (!groupArn || j.rec.targets.includes(groupArn)) &&
          (ns === undefined || j.rec.namespaceId === ns),
      )
      .sort((a, b) => b.rec.seq - a.rec.seq);
    const page = jobs.slice(0, limit);
    const items = page.map((j) => {
      const r = j.rec;
      const group = r.targets.map((t) => registry.groupNameFromArn(t)).find((n) => n !== undefined);
      const gid = group !== undefined ? registry.groups.get(group)?.id : undefined;
      return {
        jobArn: cp.jobArn(r.jobId),
        jobId: r.jobId,
        ...(gid ? { thingGroupId: gid } : {}),
        targetSelection: r.targetSelection,
        status: r.status,
        createdAt: epochSeconds(r.createdMs),
        lastUpdatedAt: epochSeconds(r.lastUpdatedMs),
        ...(r.completedMs !== undefined ? { completedAt: epochSeconds(r.completedMs) } : {}),
        isConcurrent: rollingOut(j),
      };
    });
    return { body: { jobs: items, ...(jobs.length > limit ? { nextToken: encodeToken(page[page.length - 1].rec.seq) } : {}) } };
  });

  router.add("AssociateTargetsWithJob", "POST", "/jobs/{jobId}/targets", (ctx) => {
    const body = bodyOf(ctx);
    v.namespaceId(ctx.query.get("namespaceId") || undefined);
    const job = jobOf(ctx);
    cp.associateTargets(job, v.targets(body.targets), v.comment(body.comment));
    return created(job);
  });

  router.add("ListJobExecutionsForJob", "GET", "/jobs/{jobId}/things", (ctx) => {
    const job = jobOf(ctx);
    const status = queryEnum(ctx.query.get("status"), "status", EXECUTION_STATUSES);
    const limit = pageLimit(ctx, "maxResults");
    // The token is a position in the job's creation-ordered thing list: a page costs the page, not the job.
    const from = decodeToken<number>(ctx.query.get("nextToken"), "number") ?? 0;
    const out: unknown[] = [];
    let i = from;
    for (; i < job.order.length && out.length < limit; i++) {
      const e = engine.latest(job, job.order[i]);
      if (!e || (status && e.status !== status)) continue;
      out.push({ thingArn: registry.thingArn(e.thingName), jobExecutionSummary: summaryOf(e) });
    }
    let more = false;
    for (let k = i; k < job.order.length; k++) {
      const e = engine.latest(job, job.order[k]);
      if (e && (!status || e.status === status)) {
        more = true;
        break;
      }
    }
    return { body: { executionSummaries: out, ...(more ? { nextToken: encodeToken(i) } : {}) } };
  });

  router.add("ListJobExecutionsForThing", "GET", "/things/{thingName}/jobs", (ctx) => {
    const thingName = checkName(ctx.params.thingName, "thingName");
    const status = queryEnum(ctx.query.get("status"), "status", EXECUTION_STATUSES);
    const jobId = ctx.query.get("jobId") ? v.checkId(ctx.query.get("jobId"), "jobId") : undefined;
    const ns = v.namespaceId(ctx.query.get("namespaceId") || undefined);
    const limit = pageLimit(ctx, "maxResults");
    const after = decodeToken<number>(ctx.query.get("nextToken"), "number");
    const all = engine
      .executionsOfThing(thingName)
      .filter(
        ({ job, exec }) =>
          (after === undefined || exec.seq < after) &&
          (!status || exec.status === status) &&
          (!jobId || job.rec.jobId === jobId) &&
          (ns === undefined || job.rec.namespaceId === ns),
      )
      .reverse();
    const page = all.slice(0, limit);
    return {
      body: {
        executionSummaries: page.map(({ exec }) => ({ jobId: exec.jobId, jobExecutionSummary: summaryOf(exec) })),
        ...(all.length > limit ? { nextToken: encodeToken(page[page.length - 1].exec.seq) } : {}),
      },
    };
  });

  router.add("DescribeJobExecution", "GET", "/things/{thingName}/jobs/{jobId}", (ctx) => {
    const thingName = checkName(ctx.params.thingName, "thingName");
    const job = jobOf(ctx);
    const n = optionalInteger(ctx.query.get("executionNumber"), "executionNumber");
    const e = engine.execution(job, thingName, n);
    if (!e) throw notFound(`Job execution of ${job.rec.jobId} on thing ${thingName} does not exist`);
    const out: Record<string, unknown> = {
      jobId: e.jobId,
      status: e.status,
      forceCanceled: e.forceCanceled === true,
      statusDetails: { detailsMap: e.statusDetails ?? {} },
      thingArn: registry.thingArn(thingName),
      queuedAt: epochSeconds(e.queuedMs),
      lastUpdatedAt: epochSeconds(e.lastUpdatedMs),
      executionNumber: e.executionNumber,
      versionNumber: e.versionNumber,
    };
    if (e.startedMs !== undefined) out.startedAt = epochSeconds(e.startedMs);
    const left = engine.secondsBeforeTimeout(e, engine.now());
    if (left !== undefined) out.approximateSecondsBeforeTimedOut = left;
    return { body: { execution: out } };
  });

  router.add("CancelJobExecution", "PUT", "/things/{thingName}/jobs/{jobId}/cancel", (ctx) => {
    const thingName = checkName(ctx.params.thingName, "thingName");
    const body = bodyOf(ctx);
    const job = jobOf(ctx);
    cp.cancelExecution(job, thingName, {
      force: queryBoolean(ctx, "force") ?? false,
      expectedVersion: optionalInteger(body.expectedVersion, "expectedVersion"),
      statusDetails: checkStatusDetails(body.statusDetails),
    });
    return { body: {} };
  });

  router.add("DeleteJobExecution", "DELETE", "/things/{thingName}/jobs/{jobId}/executionNumber/{executionNumber}", (ctx) => {
    const thingName = checkName(ctx.params.thingName, "thingName");
    v.namespaceId(ctx.query.get("namespaceId") || undefined);
    const job = jobOf(ctx);
    const n = optionalInteger(ctx.params.executionNumber, "executionNumber");
    const e = engine.execution(job, thingName, n);
    if (!e) throw notFound(`Job execution ${n} of ${job.rec.jobId} on thing ${thingName} does not exist`);
    const force = queryBoolean(ctx, "force") ?? false;
    if (!force && (e.status === "QUEUED" || e.status === "IN_PROGRESS")) {
      throw new AwsError("InvalidStateTransitionException", `The job execution is ${e.status}: only a terminal execution can be deleted without force`);
    }
    engine.deleteExecution(job, e);
    return { body: {} };
  });
}
