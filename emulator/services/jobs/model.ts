import { AwsError, invalid, notFound } from "../../server/errors";
import type { EmulatorConfig } from "../../config";
import { arn } from "../iot/context";
import type { S3Objects } from "../s3/api";
import { placeholdersOf, readDocumentSource } from "./documents";
import type { JobsEngine, JobState } from "./engine";
import {
  emptyCounts,
  JOB_KINDS,
  type JobRecord,
  type JobSettings,
  type JobTemplateRecord,
  type MaintenanceWindow,
  type SchedulingConfig,
  type TargetSelection,
  type Tag,
} from "./records";
import { compileWindow, nextStart, parseDateTime } from "./schedule";
import * as v from "./validation";

/**
 * The Jobs control plane's rules over the engine: CreateJob (targets, templates,
 * documents, schedules), UpdateJob, AssociateTargetsWithJob, CancelJobExecution and job
 * templates. Route files (routes.ts, template-routes.ts) parse and render around these.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** A maintenance window must start within this time of its job's creation (or it never lets the rollout run). */
export const WINDOW_HORIZON_YEARS = 5;

export interface CreateJobInput extends JobSettings {
  jobId: string;
  targets: string[];
  targetSelection: TargetSelection;
  schedulingConfig?: SchedulingConfig;
  jobTemplateArn?: string;
  namespaceId?: string;
  documentParameters?: Record<string, string>;
  tags?: Tag[];
}

export class JobsControlPlane {
  readonly templates = new Map<string, JobTemplateRecord>();

  constructor(
    readonly engine: JobsEngine,
    private readonly config: EmulatorConfig,
    private readonly objects: () => S3Objects | undefined,
    private readonly store: {
      put(kind: string, id: string, doc: unknown): void;
      delete(kind: string, id: string): void;
      load<T>(kind: string): Iterable<[string, T]>;
    },
  ) {
    for (const [, t] of store.load<JobTemplateRecord>(JOB_KINDS.template)) {
      this.templates.set(t.jobTemplateId, t);
      engine.observeSeq(t.seq);
    }
  }

  jobArn = (jobId: string) => arn(this.config, `job/${jobId}`);
  templateArn = (id: string) => arn(this.config, `jobtemplate/${id}`);

  // ---- targets -------------------------------------------------------------------------------

  /** Target ARNs → thing names, deduplicated: things as listed, then each group's members (subgroups included). */
  resolveTargets(targets: string[]): string[] {
    const { registry } = this.engine;
    const names = new Set<string>();
    for (const target of targets) {
      const thing = registry.thingNameFromArn(target);
      if (thing !== undefined) {
        if (!registry.things.has(thing)) throw notFound(`Thing ${target} cannot be found.`);
        names.add(thing);
        continue;
      }
      const group = registry.groupNameFromArn(target);
      if (group === undefined) throw invalid(`Target ${target} is not the ARN of a thing or a thing group of this account and region`);
      const g = registry.groups.get(group);
      if (!g) throw notFound(`Thing Group ${target} does not exist`);
      const groups = g.dynamic ? [group] : registry.subtree(group);
      for (const name of groups) for (const member of registry.membersOf(name).view()) names.add(member);
    }
    return [...names];
  }

  // ---- jobs ----------------------------------------------------------------------------------

  async createJob(input: CreateJobInput): Promise<JobState> {
    const { engine } = this;
    const now = engine.now();
    const merged: CreateJobInput = { ...input };
    if (input.jobTemplateArn) {
      const id = input.jobTemplateArn.startsWith(this.templateArn("")) ? input.jobTemplateArn.slice(this.templateArn("").length) : undefined;
      const t = id === undefined ? undefined : this.templates.get(id);
      if (!t) throw notFound(`Job template ${input.jobTemplateArn} does not exist`);
      for (const key of [
        "presignedUrlConfig",
        "jobExecutionsRolloutConfig",
        "abortConfig",
        "timeoutConfig",
        "jobExecutionsRetryConfig",
        "destinationPackageVersions",
        "description",
      ] as const) {
        if (merged[key] === undefined && t[key] !== undefined) (merged as unknown as Record<string, unknown>)[key] = t[key];
      }
      if (merged.document === undefined && merged.documentSource === undefined) {
        if (t.document !== undefined) merged.document = t.document;
        if (t.documentSource !== undefined) merged.documentSource = t.documentSource;
      }
      if (t.maintenanceWindows?.length && !merged.schedulingConfig?.maintenanceWindows) {
        merged.schedulingConfig = { ...(merged.schedulingConfig ?? {}), maintenanceWindows: t.maintenanceWindows };
      }
    }
    // Only AWS-managed templates take parameters, and the emulator has none.
    if (merged.documentParameters) throw invalid("documentParameters can only be used with an AWS managed job template");
    if (merged.document === undefined && merged.documentSource === undefined)
      throw invalid("A job needs a document, a documentSource, or a jobTemplateArn that has one");
    this.checkSchedule(merged.schedulingConfig, now);
    if (merged.documentSource !== undefined && merged.document === undefined) merged.document = await readDocumentSource(this.objects(), merged.documentSource);
    if (placeholdersOf(merged.document!).length > 0 && !merged.presignedUrlConfig) {
      throw invalid("The job document has presigned URL placeholders, so presignedUrlConfig is required");
    }
    // Checked after the S3 read: another request may have created the id meanwhile.
    const existing = engine.jobs.get(input.jobId);
    if (existing) {
      throw new AwsError(
        "ResourceAlreadyExistsException",
        `Job ${input.jobId} already exists${existing.rec.status === "DELETION_IN_PROGRESS" ? " (it is being deleted)" : ""}`,
        undefined,
        {
          resourceId: input.jobId,
          resourceArn: this.jobArn(input.jobId),
        },
      );
    }
    const names = this.resolveTargets(merged.targets);
    const scheduled = merged.schedulingConfig?.startTime !== undefined;
    const rec: JobRecord = {
      ...stripUndefined(merged),
      seq: engine.nextSeq(),
      status: scheduled ? "SCHEDULED" : "IN_PROGRESS",
      createdMs: now,
      lastUpdatedMs: now,
      counts: emptyCounts(),
      released: 0,
      notified: 0,
      started: !scheduled,
    } as JobRecord;
    return engine.addJob(rec, names);
  }

  private checkSchedule(sc: SchedulingConfig | undefined, now: number): void {
    if (!sc) return;
    const start = sc.startTime !== undefined ? parseDateTime(sc.startTime, "schedulingConfig.startTime") : undefined;
    const end = sc.endTime !== undefined ? parseDateTime(sc.endTime, "schedulingConfig.endTime") : undefined;
    if (start !== undefined && start < now + 30 * MINUTE) throw invalid("schedulingConfig.startTime must be at least 30 minutes from now");
    if (start !== undefined && start > now + 366 * DAY) throw invalid("schedulingConfig.startTime can be at most one year from now");
    if (end !== undefined) {
      if (end > now + 2 * 366 * DAY) throw invalid("schedulingConfig.endTime can be at most two years from now");
      if (end < (start ?? now) + 30 * MINUTE) throw invalid("schedulingConfig.endTime must be at least 30 minutes after the start time");
    }
    // "If endTime is not selected when creating the job, then endBehavior does not apply" (API SchedulingConfig): no error.
    if (sc.maintenanceWindows) checkWindowsOpen(sc.maintenanceWindows, "schedulingConfig.maintenanceWindows", start ?? now);
  }

  updateJob(job: JobState, changes: JobSettings): void {
    const { rec } = job;
    if (rec.status === "DELETION_IN_PROGRESS") throw notFound(`Job ${rec.jobId} does not exist`);
    for (const key of [
      "description",
      "presignedUrlConfig",
      "jobExecutionsRolloutConfig",
      "abortConfig",
      "timeoutConfig",
      "jobExecutionsRetryConfig",
    ] as const) {
      if (changes[key] !== undefined) (rec as unknown as Record<string, unknown>)[key] = changes[key];
    }
    const now = this.engine.now();
    rec.lastUpdatedMs = now;
    this.engine.saveJob(job);
    this.engine.advance(job, now);
    this.engine.reschedule();
  }

  associateTargets(job: JobState, targets: string[], comment: string | undefined): void {
    const { rec } = job;
    if (rec.targetSelection !== "CONTINUOUS") throw invalid(`Job ${rec.jobId} is a SNAPSHOT job: targets can be added only to CONTINUOUS jobs`);
    if (rec.status !== "IN_PROGRESS") throw invalid(`Job ${rec.jobId} is ${rec.status}: targets can be added only while it is IN_PROGRESS`);
    const added = targets.filter((t) => !rec.targets.includes(t));
    if (rec.targets.length + added.length > v.MAX_TARGETS) throw new AwsError("LimitExceededException", `A job can have at most ${v.MAX_TARGETS} targets`);
    const names = this.resolveTargets(added);
    rec.targets = [...rec.targets, ...added];
    if (comment !== undefined) rec.comment = comment;
    rec.lastUpdatedMs = this.engine.now();
    this.engine.saveJob(job);
    this.engine.appendTargets(job, names);
  }

  cancelExecution(job: JobState, thingName: string, input: { force: boolean; expectedVersion?: number; statusDetails?: Record<string, string> }): void {
    const e = this.engine.latest(job, thingName);
    if (!e) throw notFound(`Job execution of ${job.rec.jobId} on thing ${thingName} does not exist`);
    if (input.expectedVersion !== undefined && input.expectedVersion !== e.versionNumber) {
      throw new AwsError(
        "VersionConflictException",
        `The expected version ${input.expectedVersion} does not match the job execution's version ${e.versionNumber}`,
      );
    }
    if (e.status !== "QUEUED" && e.status !== "IN_PROGRESS")
      throw new AwsError("InvalidStateTransitionException", `The job execution is ${e.status} and cannot be canceled`);
    if (e.status === "IN_PROGRESS" && !input.force) {
      throw new AwsError("InvalidStateTransitionException", "The job execution is IN_PROGRESS: cancel it with force=true");
    }
    const now = this.engine.now();
    this.engine.setStatus(job, e, "CANCELED", now, { forceCanceled: input.force, statusDetails: input.statusDetails });
    this.engine.checkCompleted(job, now);
    this.engine.reschedule();
  }

  // ---- templates -------------------------------------------------------------------------------

  createTemplate(
    id: string,
    settings: JobSettings & { maintenanceWindows?: JobTemplateRecord["maintenanceWindows"]; tags?: Tag[] },
    fromJobArn?: string,
  ): JobTemplateRecord {
    if (this.templates.has(id)) throw new AwsError("ConflictException", `Job template ${id} already exists`, undefined, { resourceId: id });
    let base: JobSettings = {};
    if (fromJobArn !== undefined) {
      const jobId = fromJobArn.startsWith(this.jobArn("")) ? fromJobArn.slice(this.jobArn("").length) : undefined;
      const job = jobId === undefined ? undefined : this.engine.jobs.get(jobId);
      if (!job || job.rec.status === "DELETION_IN_PROGRESS") throw notFound(`Job ${fromJobArn} does not exist`);
      const r = job.rec;
      base = {
        document: r.documentSource === undefined ? r.document : undefined,
        documentSource: r.documentSource,
        presignedUrlConfig: r.presignedUrlConfig,
        jobExecutionsRolloutConfig: r.jobExecutionsRolloutConfig,
        abortConfig: r.abortConfig,
        timeoutConfig: r.timeoutConfig,
        jobExecutionsRetryConfig: r.jobExecutionsRetryConfig,
        destinationPackageVersions: r.destinationPackageVersions,
      };
    } else if (settings.document === undefined && settings.documentSource === undefined) {
      throw invalid("A job template needs a jobArn, a document or a documentSource");
    }
    if (settings.maintenanceWindows) checkWindowsOpen(settings.maintenanceWindows, "maintenanceWindows", this.engine.now());
    const t: JobTemplateRecord = stripUndefined({
      ...base,
      ...settings,
      jobTemplateId: id,
      seq: this.engine.nextSeq(),
      createdMs: this.engine.now(),
    }) as JobTemplateRecord;
    this.templates.set(id, t);
    this.store.put(JOB_KINDS.template, id, t);
    return t;
  }

  requireTemplate(id: string): JobTemplateRecord {
    const t = this.templates.get(id);
    if (!t) throw notFound(`Job template ${id} does not exist`);
    return t;
  }

  deleteTemplate(id: string): void {
    this.requireTemplate(id);
    this.templates.delete(id);
    this.store.delete(JOB_KINDS.template, id);
  }
}

/**
 * Refuses a maintenance window that never opens in the next WINDOW_HORIZON_YEARS from
 * `from`: a year field in the past or far ahead, or a date that never comes
 * (`cron(0 0 31 2 ? *)`). AWS's own rule is not documented (unverified); a job that could
 * never roll out is refused rather than left SCHEDULED or IN_PROGRESS forever.
 */
function checkWindowsOpen(windows: MaintenanceWindow[], member: string, from: number): void {
  windows.forEach((w, i) => {
    const m = `${member}.${i + 1}.member.startTime`;
    const start = nextStart(compileWindow(w, m), from);
    if (start === undefined || start > from + WINDOW_HORIZON_YEARS * 366 * DAY) {
      throw invalid(`${m} '${w.startTime}' does not start in the next ${WINDOW_HORIZON_YEARS} years: the window would never open`);
    }
  });
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as T;
}
