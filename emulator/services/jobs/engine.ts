import { AwsError, invalid, notFound } from "../../server/errors";
import type { EmulatorClock } from "../../clock";
import { ClockTimer } from "../../clock";
import type { RecordStore } from "../../store/store";
import type { IotState } from "../iot/state";
import type { ExecutionStatus } from "./data-plane-api";
import { currentRate, MAX_CATCH_UP_MS, releaseInterval } from "./rollout";
import { compileWindow, parseDateTime, upcomingStarts, windowState, type CompiledWindow } from "./schedule";
import { DueHeap } from "./timeouts";
import { emptyCounts, executionKey, JOB_KINDS, targetChunkId, TERMINAL, type ExecutionRecord, type JobRecord } from "./records";

/**
 * The Jobs engine of one region: jobs, their executions and the rules that move them
 * (developer guide "Jobs", "Job rollout, scheduling, and abort configurations", "Job
 * execution timeout and retry configurations"). Rollouts, timeouts, schedules and
 * deletions run on the emulator clock (emulator/clock.ts), so tests can pass time.
 *
 * Everything is in memory with every change written through to the store; a rollout step
 * puts the executions it creates and the job (its cursor) in the same tick, so one commit
 * holds both and a restart resumes with no duplicate and no lost execution. A job record
 * is written at most twice per tick however many of its executions change (at its first
 * change, so the request that made it waits for the commit, and as it ends the tick, in a
 * microtask, before the store's commit on setImmediate); its document is stored apart,
 * once. Counts by status are kept as executions change, so DescribeJob never scans
 * executions (and are recomputed on load).
 */

export interface JobsEngineDeps {
  store: RecordStore;
  clock: EmulatorClock;
  registry: IotState;
}

/** One job in memory: its record, targets, and executions by thing (oldest attempt first). */
export interface JobState {
  rec: JobRecord;
  /** Thing names to roll out to, in order (the cursor is rec.released). */
  targets: string[];
  /** The names of targets[rec.released..]: a thing is waiting to be released at most once. */
  waiting: Set<string>;
  /** How many of `targets` are stored, and where each appended chunk starts (the first part is stored under the job id). */
  savedTargets: number;
  targetChunks: number[];
  executions: Map<string, ExecutionRecord[]>;
  /** Thing names in the order their first execution was created: ListJobExecutionsForJob pages by position. */
  order: string[];
  /** The names in `order` (a thing whose executions were all deleted stays listed there, once). */
  ordered: Set<string>;
  /** Highest execution number of things whose latest executions were deleted (rec.deletedExecutionNumbers). */
  deletedNumbers: Map<string, number>;
  windows?: CompiledWindow[];
  /** DescribeJob's scheduledJobRollouts as computed from `from`: the same until time passes the first of them. */
  upcoming?: { from: number; starts: number[] };
  startMs?: number;
  endMs?: number;
  /** When the engine must look at this job again (emulator time). */
  wakeAt?: number;
}

/** Appended target chunks kept before the list is rewritten as one document. */
const MAX_TARGET_CHUNKS = 64;

/** Deletions in flight at once (DeleteJob answers LimitExceededException past it). */
export const MAX_DELETING_JOBS = 10;
/** How long a deletion stays DELETION_IN_PROGRESS at least (emulator time): long enough to be seen. */
export const DELETION_MS = 1000;
const DELETE_BATCH = 1000;

export class JobsEngine {
  readonly jobs = new Map<string, JobState>();
  /** thing name → ids of the jobs it has executions in. */
  readonly byThing = new Map<string, Set<string>>();
  private readonly timeouts = new DueHeap();
  /** The deadline each IN_PROGRESS execution has in the heap: an update that keeps it pushes nothing. */
  private readonly armed = new Map<string, number>();
  private readonly timer: ClockTimer;
  private readonly pendingListeners = new Set<(thingName: string) => void>();
  private touched = new Set<string>();
  private flushScheduled = false;
  /** Jobs changed in this tick, written once more as it ends. */
  private readonly dirty = new Set<JobState>();
  private dirtyScheduled = false;
  private seq = 0;
  private closed = false;

  constructor(private readonly deps: JobsEngineDeps) {
    this.timer = new ClockTimer(deps.clock, () => this.pump());
    this.load();
  }

  get clock(): EmulatorClock {
    return this.deps.clock;
  }

  get registry(): IotState {
    return this.deps.registry;
  }

  now(): number {
    return this.deps.clock.now();
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** A sequence number read back from the store (templates): later ones come after it. */
  observeSeq(seq: number): void {
    this.seq = Math.max(this.seq, seq);
  }

  close(): void {
    this.writeDirty();
    this.closed = true;
    this.timer.close();
  }

  /** Timeout entries in the heap (stale ones included): for tests of its growth. */
  get timeoutEntries(): number {
    return this.timeouts.size;
  }

  // ---- loading ---------------------------------------------------------------------------

  private load(): void {
    const { store } = this.deps;
    const legacy: JobState[] = [];
    for (const [, rec] of store.load<JobRecord>(JOB_KINDS.job)) {
      this.seq = Math.max(this.seq, rec.seq);
      const targets = store.get<{ names: string[] }>(JOB_KINDS.targets, rec.jobId)?.names ?? [];
      const chunks: number[] = [];
      for (let c = store.get<{ names: string[] }>(JOB_KINDS.targets, targetChunkId(rec.jobId, targets.length)); c?.names.length;) {
        chunks.push(targets.length);
        // One by one: a chunk of a large tick may hold more names than a call takes arguments.
        for (const n of c.names) targets.push(n);
        c = store.get<{ names: string[] }>(JOB_KINDS.targets, targetChunkId(rec.jobId, targets.length));
      }
      // A record from before documents were stored apart holds its document: read it, and move it.
      if (rec.document === undefined) rec.document = store.get<{ document: string }>(JOB_KINDS.document, rec.jobId)?.document;
      const job = this.stateOf(rec, targets);
      job.targetChunks = chunks;
      this.jobs.set(rec.jobId, job);
      if (rec.document !== undefined && !store.has(JOB_KINDS.document, rec.jobId)) legacy.push(job);
    }
    for (const job of legacy) {
      this.saveDocument(job);
      this.saveJob(job);
    }
    const loaded: ExecutionRecord[] = [];
    for (const [, e] of store.load<ExecutionRecord>(JOB_KINDS.execution)) loaded.push(e);
    loaded.sort((a, b) => a.seq - b.seq);
    for (const e of loaded) {
      this.seq = Math.max(this.seq, e.seq);
      const job = this.jobs.get(e.jobId);
      if (!job) continue;
      this.attach(job, e);
    }
    const now = this.now();
    for (const job of this.jobs.values()) {
      // Counts are derived, so recompute them rather than trust a document from before a crash.
      job.rec.counts = emptyCounts();
      for (const list of job.executions.values()) job.rec.counts[list[list.length - 1].status]++;
      // No burst to make up for the time the emulator was down: the next release is due now at the latest.
      const rate = currentRate(job.rec.jobExecutionsRolloutConfig, job.rec.notified, job.rec.counts.SUCCEEDED);
      if (job.rec.lastReleaseMs !== undefined && rate !== undefined) job.rec.lastReleaseMs = Math.max(job.rec.lastReleaseMs, now - releaseInterval(rate));
      if (job.rec.status !== "COMPLETED" && job.rec.status !== "CANCELED") job.wakeAt = now;
      for (const list of job.executions.values()) this.armTimeout(list[list.length - 1]);
    }
    this.pump();
  }

  stateOf(rec: JobRecord, targets: string[]): JobState {
    const job: JobState = {
      rec,
      targets,
      waiting: new Set(targets.slice(rec.released)),
      savedTargets: targets.length,
      targetChunks: [],
      executions: new Map(),
      order: [],
      ordered: new Set(),
      deletedNumbers: new Map(rec.deletedExecutionNumbers ?? []),
    };
    const sc = rec.schedulingConfig;
    if (sc?.startTime) job.startMs = parseDateTime(sc.startTime, "schedulingConfig.startTime");
    if (sc?.endTime) job.endMs = parseDateTime(sc.endTime, "schedulingConfig.endTime");
    if (sc?.maintenanceWindows?.length)
      job.windows = sc.maintenanceWindows.map((w, i) => compileWindow(w, `schedulingConfig.maintenanceWindows.${i + 1}.startTime`));
    return job;
  }

  private attach(job: JobState, e: ExecutionRecord): void {
    let list = job.executions.get(e.thingName);
    if (!list) {
      job.executions.set(e.thingName, (list = []));
      if (!job.ordered.has(e.thingName)) {
        job.ordered.add(e.thingName);
        job.order.push(e.thingName);
      }
    }
    list.push(e);
    let jobsOfThing = this.byThing.get(e.thingName);
    if (!jobsOfThing) this.byThing.set(e.thingName, (jobsOfThing = new Set()));
    jobsOfThing.add(e.jobId);
  }

  // ---- lookups ---------------------------------------------------------------------------

  /** A job that exists (deleting ones included unless `live`). */
  requireJob(jobId: string, opts: { live?: boolean } = {}): JobState {
    const job = this.jobs.get(jobId);
    if (!job || (opts.live && job.rec.status === "DELETION_IN_PROGRESS")) throw notFound(`Job ${jobId} does not exist`);
    return job;
  }

  latest(job: JobState, thingName: string): ExecutionRecord | undefined {
    const list = job.executions.get(thingName);
    return list?.[list.length - 1];
  }

  execution(job: JobState, thingName: string, executionNumber?: number): ExecutionRecord | undefined {
    const list = job.executions.get(thingName);
    if (!list) return undefined;
    return executionNumber === undefined ? list[list.length - 1] : list.find((e) => e.executionNumber === executionNumber);
  }

  /** The latest execution of each live job a thing has, in creation order. */
  executionsOfThing(thingName: string): Array<{ job: JobState; exec: ExecutionRecord }> {
    const out: Array<{ job: JobState; exec: ExecutionRecord }> = [];
    for (const id of this.byThing.get(thingName) ?? []) {
      const job = this.jobs.get(id);
      const exec = job && this.latest(job, thingName);
      if (job && exec && job.rec.status !== "DELETION_IN_PROGRESS") out.push({ job, exec });
    }
    return out.sort((a, b) => a.exec.seq - b.exec.seq);
  }

  // ---- notifications to the data plane -----------------------------------------------------

  onPendingChange(listener: (thingName: string) => void): () => void {
    this.pendingListeners.add(listener);
    return () => this.pendingListeners.delete(listener);
  }

  /**
   * A thing's pending executions changed: its listeners are told once the changes are
   * committed (a device must not act on what a crash would undo). Call it after the
   * change is put: with nothing queued, the store runs the callback at once.
   */
  touch(thingName: string): void {
    this.touched.add(thingName);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.deps.store.afterCommit(() => {
      this.flushScheduled = false;
      const things = this.touched;
      this.touched = new Set();
      for (const t of things) {
        for (const l of this.pendingListeners) {
          try {
            l(t);
          } catch (err) {
            console.error("[emulator] jobs pending-change listener failed", err);
          }
        }
      }
    });
  }

  /** Runs `fn` once every change queued so far is committed (the MQTT answers of the data plane). */
  afterCommit(fn: () => void): void {
    this.deps.store.afterCommit(fn);
  }

  // ---- writing ----------------------------------------------------------------------------

  /**
   * Marks a job changed. Its first change in a tick is put at once (so the request that
   * made it counts as a writer and waits for the commit); the job is put again, as it is
   * then, at the end of the tick, with the target names added meanwhile: a force cancel of
   * 10,000 executions writes the job twice, not 10,000 times.
   */
  saveJob(job: JobState): void {
    if (this.dirty.has(job)) return;
    this.dirty.add(job);
    this.writeJob(job);
    if (this.dirtyScheduled) return;
    this.dirtyScheduled = true;
    queueMicrotask(() => this.writeDirty());
  }

  private writeDirty(): void {
    this.dirtyScheduled = false;
    const jobs = [...this.dirty];
    this.dirty.clear();
    for (const job of jobs) {
      // Deleted meanwhile (its records are gone): nothing to write.
      if (this.jobs.get(job.rec.jobId) !== job) continue;
      this.writeJob(job);
      this.writeTargets(job);
    }
  }

  private writeJob(job: JobState): void {
    // The document is stored apart, once (saveDocument).
    this.deps.store.put(JOB_KINDS.job, job.rec.jobId, { ...job.rec, document: undefined });
  }

  private saveDocument(job: JobState): void {
    this.deps.store.put(JOB_KINDS.document, job.rec.jobId, { document: job.rec.document ?? "" });
  }

  /** The whole target list under the job id (at creation, and to fold the chunks back in). */
  private saveTargets(job: JobState): void {
    const { store } = this.deps;
    store.put(JOB_KINDS.targets, job.rec.jobId, { names: job.targets });
    for (const at of job.targetChunks) store.delete(JOB_KINDS.targets, targetChunkId(job.rec.jobId, at));
    job.targetChunks = [];
    job.savedTargets = job.targets.length;
  }

  /** The names added since the last write, as one new chunk (or the whole list once there are many chunks). */
  private writeTargets(job: JobState): void {
    if (job.savedTargets >= job.targets.length) return;
    if (job.targetChunks.length >= MAX_TARGET_CHUNKS) {
      this.saveTargets(job);
      return;
    }
    const at = job.savedTargets;
    this.deps.store.put(JOB_KINDS.targets, targetChunkId(job.rec.jobId, at), { names: job.targets.slice(at) });
    job.targetChunks.push(at);
    job.savedTargets = job.targets.length;
  }

  saveExecution(e: ExecutionRecord): void {
    this.deps.store.put(JOB_KINDS.execution, executionKey(e.jobId, e.thingName, e.executionNumber), e);
  }

  /** A new job (validated by the caller): stored, then rolled out as far as is due now. */
  addJob(rec: JobRecord, targets: string[]): JobState {
    const job = this.stateOf(rec, targets);
    this.jobs.set(rec.jobId, job);
    this.saveTargets(job);
    this.saveDocument(job);
    this.saveJob(job);
    this.advance(job, this.now());
    this.reschedule();
    return job;
  }

  /** A new execution (QUEUED) of a thing in a job; the caller saves the job. */
  createExecution(job: JobState, thingName: string, retryAttempt: number, now: number): ExecutionRecord {
    const prev = this.latest(job, thingName);
    if (prev) job.rec.counts[prev.status]--;
    const e: ExecutionRecord = {
      jobId: job.rec.jobId,
      thingName,
      // A deleted execution's number is not given again.
      executionNumber: Math.max(prev?.executionNumber ?? 0, job.deletedNumbers.get(thingName) ?? 0) + 1,
      status: "QUEUED",
      queuedMs: now,
      lastUpdatedMs: now,
      versionNumber: 1,
      retryAttempt,
      seq: this.nextSeq(),
    };
    this.attach(job, e);
    job.rec.counts.QUEUED++;
    this.saveExecution(e);
    this.touch(thingName);
    return e;
  }

  /**
   * Moves an execution to a new status, keeping counts, timers and the job in step, then
   * applies what follows a terminal status (retry, abort criteria, completion).
   */
  setStatus(
    job: JobState,
    e: ExecutionRecord,
    status: ExecutionStatus,
    now: number,
    opts: { forceCanceled?: boolean; statusDetails?: Record<string, string> } = {},
  ): void {
    const isLatest = this.latest(job, e.thingName) === e;
    if (isLatest) {
      job.rec.counts[e.status]--;
      job.rec.counts[status]++;
    }
    if (status === "IN_PROGRESS" && e.status !== "IN_PROGRESS") {
      e.startedMs ??= now;
      const minutes = job.rec.timeoutConfig?.inProgressTimeoutInMinutes;
      if (minutes) e.inProgressTimeoutMs = now + minutes * 60_000;
    }
    e.status = status;
    e.lastUpdatedMs = now;
    e.versionNumber++;
    if (opts.statusDetails) e.statusDetails = opts.statusDetails;
    if (opts.forceCanceled) e.forceCanceled = true;
    if (TERMINAL.has(status)) {
      delete e.inProgressTimeoutMs;
      delete e.stepTimeoutMs;
      this.armed.delete(executionKey(e.jobId, e.thingName, e.executionNumber));
    } else this.armTimeout(e);
    this.saveExecution(e);
    this.touch(e.thingName);
    job.rec.lastUpdatedMs = now;
    if (isLatest && TERMINAL.has(status)) this.afterTerminal(job, e, now);
    this.saveJob(job);
  }

  setStepTimeout(e: ExecutionRecord, minutes: number | undefined, now: number): void {
    if (minutes === undefined) return;
    if (minutes === -1) delete e.stepTimeoutMs;
    else e.stepTimeoutMs = now + minutes * 60_000;
    this.armTimeout(e);
  }

  /** Puts the execution's deadline in the heap when it changed; the entry of an older deadline is dropped when it comes due. */
  armTimeout(e: ExecutionRecord): void {
    if (e.status !== "IN_PROGRESS") return;
    const key = executionKey(e.jobId, e.thingName, e.executionNumber);
    const at = Math.min(e.inProgressTimeoutMs ?? Infinity, e.stepTimeoutMs ?? Infinity);
    if (!Number.isFinite(at)) {
      this.armed.delete(key);
      return;
    }
    if (this.armed.get(key) === at) return;
    this.armed.set(key, at);
    this.timeouts.push(at, key);
    if (this.timer.pending === undefined || at < this.timer.pending) this.timer.set(at);
  }

  /** Seconds until the earlier of the execution's timers fires (undefined without one). */
  secondsBeforeTimeout(e: ExecutionRecord, now: number): number | undefined {
    if (e.status !== "IN_PROGRESS") return undefined;
    const at = Math.min(e.inProgressTimeoutMs ?? Infinity, e.stepTimeoutMs ?? Infinity);
    return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : undefined;
  }

  private afterTerminal(job: JobState, e: ExecutionRecord, now: number): void {
    const rec = job.rec;
    if (rec.status === "IN_PROGRESS" && (e.status === "FAILED" || e.status === "TIMED_OUT")) {
      const allowed = Math.max(
        0,
        ...(rec.jobExecutionsRetryConfig?.criteriaList ?? [])
          .filter((c) => c.failureType === e.status || c.failureType === "ALL")
          .map((c) => c.numberOfRetries),
      );
      if (e.retryAttempt < allowed) {
        this.createExecution(job, e.thingName, e.retryAttempt + 1, now);
        return;
      }
    }
    if (rec.status === "IN_PROGRESS") this.checkAbort(job, now);
    this.checkCompleted(job, now);
  }

  /**
   * abortConfig: once at least minNumberOfExecutedThings things were notified, a failure
   * share at or above thresholdPercentage cancels the job (queued executions canceled,
   * running ones left to finish). The share is failures over notified things: the
   * developer guide speaks of "executed things" without saying which (unverified).
   */
  private checkAbort(job: JobState, now: number): void {
    const { rec } = job;
    for (const c of rec.abortConfig?.criteriaList ?? []) {
      if (rec.notified < c.minNumberOfExecutedThings) continue;
      const failures = c.failureType === "ALL" ? rec.counts.FAILED + rec.counts.REJECTED + rec.counts.TIMED_OUT : rec.counts[c.failureType];
      if ((failures * 100) / rec.notified >= c.thresholdPercentage) {
        this.cancelJob(
          job,
          { force: false, reasonCode: undefined, comment: `Job aborted: ${c.failureType} executions reached ${c.thresholdPercentage}%` },
          now,
        );
        return;
      }
    }
  }

  checkCompleted(job: JobState, now: number): void {
    const { rec } = job;
    if (rec.status !== "IN_PROGRESS" || rec.targetSelection !== "SNAPSHOT") return;
    const rolledOut = rec.released >= job.targets.length || rec.rolloutStopped === true;
    if (!rolledOut || rec.counts.QUEUED + rec.counts.IN_PROGRESS > 0) return;
    rec.status = "COMPLETED";
    rec.completedMs = now;
    rec.lastUpdatedMs = now;
    delete rec.lastReleaseMs;
    this.saveJob(job);
  }

  // ---- cancel and delete ------------------------------------------------------------------

  cancelJob(job: JobState, input: { force: boolean; reasonCode?: string; comment?: string }, now: number): void {
    const { rec } = job;
    if (rec.status === "COMPLETED") throw invalid(`Job ${rec.jobId} is COMPLETED and cannot be canceled`);
    if (rec.status === "DELETION_IN_PROGRESS") throw invalid(`Job ${rec.jobId} is being deleted`);
    if (rec.status === "CANCELED" && (!input.force || rec.forceCanceled)) return;
    rec.status = "CANCELED";
    if (input.force) rec.forceCanceled = true;
    if (input.reasonCode !== undefined) rec.reasonCode = input.reasonCode;
    if (input.comment !== undefined) rec.comment = input.comment;
    rec.lastUpdatedMs = now;
    delete rec.lastReleaseMs;
    for (const list of job.executions.values()) {
      const e = list[list.length - 1];
      if (e.status === "QUEUED" || (input.force && e.status === "IN_PROGRESS"))
        // "true if the job execution was canceled with the optional force parameter set to true" (API JobExecution).
        this.setStatus(job, e, "CANCELED", now, { forceCanceled: input.force });
    }
    this.saveJob(job);
    this.reschedule();
  }

  deleteJob(job: JobState, force: boolean, now: number): void {
    const { rec } = job;
    if (rec.status === "DELETION_IN_PROGRESS") return;
    if (!force && (rec.status === "IN_PROGRESS" || rec.status === "SCHEDULED")) {
      throw new AwsError(
        "InvalidStateTransitionException",
        `Cannot delete job ${rec.jobId} in status ${rec.status} without force; cancel it first, or set force`,
      );
    }
    const deleting = [...this.jobs.values()].filter((j) => j.rec.status === "DELETION_IN_PROGRESS").length;
    if (deleting >= MAX_DELETING_JOBS) throw new AwsError("LimitExceededException", `At most ${MAX_DELETING_JOBS} jobs can be deleted at the same time`);
    rec.status = "DELETION_IN_PROGRESS";
    rec.lastUpdatedMs = now;
    delete rec.lastReleaseMs;
    job.wakeAt = now + DELETION_MS;
    this.saveJob(job);
    // After the put: touch() registers its after-commit work behind it.
    for (const [thing, list] of job.executions) if (!TERMINAL.has(list[list.length - 1].status)) this.touch(thing);
    this.reschedule();
  }

  /** Removes a deleting job's executions in batches (one commit each), then the job. */
  private continueDeletion(job: JobState): void {
    const { store } = this.deps;
    let n = 0;
    for (const [thing, list] of job.executions) {
      for (const e of list) {
        const key = executionKey(e.jobId, e.thingName, e.executionNumber);
        store.delete(JOB_KINDS.execution, key);
        this.armed.delete(key);
      }
      job.executions.delete(thing);
      const jobsOfThing = this.byThing.get(thing);
      jobsOfThing?.delete(job.rec.jobId);
      if (jobsOfThing?.size === 0) this.byThing.delete(thing);
      if (++n >= DELETE_BATCH) {
        setImmediate(() => !this.closed && this.continueDeletion(job));
        return;
      }
    }
    store.delete(JOB_KINDS.targets, job.rec.jobId);
    for (const at of job.targetChunks) store.delete(JOB_KINDS.targets, targetChunkId(job.rec.jobId, at));
    store.delete(JOB_KINDS.document, job.rec.jobId);
    store.delete(JOB_KINDS.job, job.rec.jobId);
    this.jobs.delete(job.rec.jobId);
    this.dirty.delete(job);
  }

  /** DeleteJobExecution: the record goes; an older attempt, if any, becomes the latest again. */
  deleteExecution(job: JobState, e: ExecutionRecord): void {
    const list = job.executions.get(e.thingName)!;
    const wasLatest = list[list.length - 1] === e;
    list.splice(list.indexOf(e), 1);
    const key = executionKey(e.jobId, e.thingName, e.executionNumber);
    this.deps.store.delete(JOB_KINDS.execution, key);
    this.armed.delete(key);
    // The thing's next execution takes a number above every one it had.
    const left = list[list.length - 1]?.executionNumber ?? 0;
    if (e.executionNumber > left && e.executionNumber > (job.deletedNumbers.get(e.thingName) ?? 0)) {
      job.deletedNumbers.set(e.thingName, e.executionNumber);
      job.rec.deletedExecutionNumbers = [...job.deletedNumbers];
    }
    if (wasLatest) {
      job.rec.counts[e.status]--;
      const prev = list[list.length - 1];
      if (prev) job.rec.counts[prev.status]++;
    }
    if (list.length === 0) {
      job.executions.delete(e.thingName);
      const jobsOfThing = this.byThing.get(e.thingName);
      jobsOfThing?.delete(job.rec.jobId);
      if (jobsOfThing?.size === 0) this.byThing.delete(e.thingName);
    }
    if (!TERMINAL.has(e.status)) this.touch(e.thingName);
    this.saveJob(job);
    // A forced delete of the last pending execution leaves a SNAPSHOT job with nothing to wait for.
    this.checkCompleted(job, this.now());
  }

  // ---- rollout ------------------------------------------------------------------------------

  /** Whether a thing is (still) one of a job's targets: directly, or in a target group or its subgroups. */
  isTarget(job: JobState, thingName: string): boolean {
    const { registry } = this.deps;
    const thing = registry.things.get(thingName);
    if (!thing) return false;
    for (const arn of job.rec.targets) {
      const name = registry.thingNameFromArn(arn);
      if (name !== undefined) {
        if (name === thingName) return true;
        continue;
      }
      const group = registry.groupNameFromArn(arn);
      if (group === undefined || !registry.groups.has(group)) continue;
      if (registry.groups.get(group)!.dynamic) {
        if (registry.dynamicGroupsOf(thingName).includes(group)) return true;
        continue;
      }
      const subtree = registry.subtree(group);
      if (thing.groups?.some((g) => subtree.includes(g))) return true;
    }
    return false;
  }

  /** Adds things to a job's target list (CONTINUOUS joins, AssociateTargetsWithJob), then rolls out. */
  /**
   * Adds things to a job's target list (CONTINUOUS joins, AssociateTargetsWithJob), then
   * rolls out. A thing already waiting, or with an execution that is not REMOVED, is not
   * added again; the names added in a tick are stored as one chunk as the tick ends.
   */
  appendTargets(job: JobState, names: string[]): void {
    let added = 0;
    for (const n of names) {
      if (job.waiting.has(n)) continue;
      const e = this.latest(job, n);
      if (e && e.status !== "REMOVED") continue;
      job.waiting.add(n);
      job.targets.push(n);
      added++;
    }
    if (added === 0) return;
    this.saveJob(job);
    this.advance(job, this.now());
    this.reschedule();
  }

  /**
   * Releases the next target that gets an execution (a thing gone, no longer targeted or
   * already with one is passed over, and takes no place of the rollout rate). Returns
   * false when the list ended first.
   */
  private releaseOne(job: JobState, now: number): boolean {
    const { rec } = job;
    while (rec.released < job.targets.length) {
      const name = job.targets[rec.released++];
      job.waiting.delete(name);
      const prev = this.latest(job, name);
      if (prev && prev.status !== "REMOVED") continue;
      if (!this.deps.registry.things.has(name)) continue;
      if (rec.targetSelection === "CONTINUOUS" && !this.isTarget(job, name)) continue;
      this.createExecution(job, name, 0, now);
      rec.notified++;
      return true;
    }
    return false;
  }

  /**
   * Brings one job up to `now`: schedule start and end, releases due by the rollout rate
   * and maintenance windows, completion. Sets job.wakeAt to when it next has work.
   */
  advance(job: JobState, now: number): void {
    const { rec } = job;
    job.wakeAt = undefined;
    if (rec.status === "DELETION_IN_PROGRESS") {
      job.wakeAt = rec.lastUpdatedMs + DELETION_MS;
      if (now >= job.wakeAt) {
        job.wakeAt = undefined;
        this.continueDeletion(job);
      }
      return;
    }
    if (rec.status === "SCHEDULED") {
      if (job.startMs !== undefined && now < job.startMs) {
        job.wakeAt = job.startMs;
        return;
      }
      rec.status = "IN_PROGRESS";
      rec.started = true;
      rec.lastUpdatedMs = now;
    }
    if (rec.status !== "IN_PROGRESS") return;
    if (job.endMs !== undefined && now >= job.endMs && !rec.rolloutStopped) {
      const behavior = rec.schedulingConfig?.endBehavior ?? "STOP_ROLLOUT";
      rec.rolloutStopped = true;
      if (behavior === "STOP_ROLLOUT") {
        this.checkCompleted(job, now);
        this.saveJob(job);
      } else this.cancelJob(job, { force: behavior === "FORCE_CANCEL" }, now);
      return;
    }
    const before = rec.released;
    if (!rec.rolloutStopped && rec.released < job.targets.length) {
      let open = true;
      if (job.windows) {
        const w = windowState(job.windows, now);
        open = w.inside;
        if (!open) delete rec.lastReleaseMs;
        job.wakeAt = w.nextChangeMs;
      }
      if (open) this.release(job, now);
    }
    if (job.endMs !== undefined && !rec.rolloutStopped) job.wakeAt = Math.min(job.wakeAt ?? Infinity, job.endMs);
    if (rec.released !== before) {
      rec.lastUpdatedMs = now;
      this.saveJob(job);
    }
    this.checkCompleted(job, now);
  }

  private release(job: JobState, now: number): void {
    const { rec } = job;
    const succeeded = () => rec.counts.SUCCEEDED;
    if (currentRate(rec.jobExecutionsRolloutConfig, rec.notified, succeeded()) === undefined) {
      while (rec.released < job.targets.length) this.releaseOne(job, now);
      return;
    }
    let last = rec.lastReleaseMs;
    if (last === undefined) {
      if (!this.releaseOne(job, now)) return;
      last = now;
    }
    // The interval is taken at the rate of the moment, so a ramp step or an UpdateJob applies at once.
    while (rec.released < job.targets.length) {
      const due = Math.max(last + releaseInterval(currentRate(rec.jobExecutionsRolloutConfig, rec.notified, succeeded())!), now - MAX_CATCH_UP_MS);
      if (due > now) {
        job.wakeAt = Math.min(job.wakeAt ?? Infinity, due);
        break;
      }
      if (!this.releaseOne(job, now)) break;
      last = due;
    }
    rec.lastReleaseMs = last;
  }

  /** Runs whatever is due (timeouts, rollouts, schedules, deletions) and sets the next wake-up. */
  pump(): void {
    if (this.closed) return;
    const now = this.now();
    for (let due = this.timeouts.peek(); due && due.at <= now; due = this.timeouts.peek()) {
      this.timeouts.pop();
      // An entry of a deadline since moved (or of a finished execution) is stale.
      if (this.armed.get(due.key) !== due.at) continue;
      this.armed.delete(due.key);
      const [jobId, thing, n] = due.key.split("|");
      const job = this.jobs.get(jobId);
      const e = job && this.execution(job, thing, Number(n));
      if (!job || !e || e.status !== "IN_PROGRESS") continue;
      const at = Math.min(e.inProgressTimeoutMs ?? Infinity, e.stepTimeoutMs ?? Infinity);
      if (at <= now) this.setStatus(job, e, "TIMED_OUT", now);
    }
    for (const job of [...this.jobs.values()]) if (job.wakeAt !== undefined && job.wakeAt <= now) this.advance(job, now);
    this.reschedule();
  }

  /** DescribeJob's scheduledJobRollouts: the next `count` window starts from `from`, kept until time passes the first. */
  upcomingRollouts(job: JobState, from: number, count: number): number[] {
    if (!job.windows) return [];
    const c = job.upcoming;
    if (c && from >= c.from && (c.starts.length === 0 || from < c.starts[0])) return c.starts;
    const starts = upcomingStarts(job.windows, from, count);
    job.upcoming = { from, starts };
    return starts;
  }

  /** Sets the one clock timer to the earliest job wake-up or timeout. */
  reschedule(): void {
    let at = this.timeouts.peek()?.at ?? Infinity;
    for (const job of this.jobs.values()) if (job.wakeAt !== undefined && job.wakeAt < at) at = job.wakeAt;
    this.timer.set(Number.isFinite(at) ? at : undefined);
  }

  /**
   * A thing joined or left a group (static or dynamic), or was deleted: CONTINUOUS jobs
   * targeting the group give a joining thing an execution and mark a leaving thing's
   * pending execution REMOVED.
   */
  membershipChanged(thingName: string): void {
    const now = this.now();
    for (const job of this.jobs.values()) {
      const { rec } = job;
      if (rec.targetSelection !== "CONTINUOUS" || rec.status !== "IN_PROGRESS") continue;
      const target = this.isTarget(job, thingName);
      const e = this.latest(job, thingName);
      if (target && (!e || e.status === "REMOVED")) this.appendTargets(job, [thingName]);
      else if (!target && e && !TERMINAL.has(e.status)) this.setStatus(job, e, "REMOVED", now);
    }
  }
}
