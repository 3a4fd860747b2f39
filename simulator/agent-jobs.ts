import { randomBytes } from "node:crypto";
import type { AgentTimers, ShadowLink } from "./agent-shadow";
import { download } from "./agent-jobs-download";
import {
  cleanDetails,
  executionFate,
  parseJobDocument,
  runOperation,
  type AgentFacts,
  type Details,
  type JobSettings,
  type JsonObject,
  type Outcome,
} from "./agent-jobs-ops";
import type { Rng } from "./rng";

/**
 * One agent's side of the AWS IoT Jobs MQTT API (reference §5d): it listens on
 * `jobs/notify-next`, takes work with `jobs/start-next` (on every connection, so an agent
 * that was offline picks up what is pending), runs one execution at a time
 * (agent-jobs-ops.ts) and reports it with `jobs/{jobId}/update`. The agent process
 * outlives its MQTT connections: an operation keeps running while the connection is
 * down, and its final status is sent when the agent is back. A restart or reboot is the
 * exception: the agent stores where it is in statusDetails first, goes offline, and
 * finishes the execution from those details once it is back.
 */

export interface AgentJobsOptions {
  settings: JobSettings;
  facts: AgentFacts;
  /** The draws of one execution (which fate, delays): the same for the same thing, job and execution number. */
  rngFor(jobId: string, executionNumber: number): Rng;
  timers?: AgentTimers;
  /** The artifact download (injectable for tests). */
  download?: typeof download;
  stats?: JobStats;
}

/** Fleet-wide counters for the status line. */
export interface JobStats {
  started: number;
  succeeded: number;
  failed: number;
  rejected: number;
  /** Executions the agent stopped because they were canceled, timed out or removed under it. */
  abandoned: number;
}

export const newJobStats = (): JobStats => ({ started: 0, succeeded: 0, failed: 0, rejected: 0, abandoned: 0 });

/** What the agent does to go offline and come back (agent.ts). */
export interface AgentRestart {
  restart(ms: number, kind: "restart" | "reboot"): void;
}

const REAL_TIMERS: AgentTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};

/** An unanswered request is sent again after this (doubling, up to 5 min). */
const REQUEST_TIMEOUT_MS = 30_000;
const MAX_REQUEST_TIMEOUT_MS = 300_000;

/** MQTT error codes that mean the execution is no longer the agent's to run. */
const GONE = new Set(["InvalidStateTransition", "TerminalStateReached", "ResourceNotFound"]);
/** The service refused the update itself (a statusDetails value it does not take): sending it again cannot help. */
const REFUSED = "InvalidRequest";

type Sent = "final" | "restart" | "progress" | "check";

interface Running {
  jobId: string;
  executionNumber: number;
  abort: AbortController;
  /** The last status, sent until accepted; `minimal` once the service refused its details (only `reason` is left). */
  final?: { status: "SUCCEEDED" | "FAILED" | "REJECTED"; details: Details; minimal?: boolean };
  /** Details stored before going offline for a restart or reboot. */
  restart?: { kind: "restart" | "reboot"; ms: number; details: Details };
  /** Client tokens of this execution's requests and what they were. */
  tokens: Map<string, Sent>;
  retryTimer?: unknown;
  attempts: number;
}

export class AgentJobs {
  private link?: ShadowLink;
  private unlisten?: () => void;
  private current?: Running;
  private starting?: { token: string; timer?: unknown };
  private startAttempts = 0;
  private hooks?: AgentRestart;
  private readonly prefix: string;
  private readonly timers: AgentTimers;
  private readonly tokenBase = randomBytes(4).toString("hex");
  private seq = 0;

  constructor(
    readonly thingName: string,
    private readonly opts: AgentJobsOptions,
  ) {
    this.prefix = `$aws/things/${thingName}/jobs`;
    this.timers = opts.timers ?? REAL_TIMERS;
  }

  /** The Jobs topics the agent subscribes to (AWS sends the answers to the requester anyway; the client must still listen). */
  get topics(): string[] {
    const p = this.prefix;
    return [
      `${p}/notify-next`,
      `${p}/start-next/accepted`,
      `${p}/start-next/rejected`,
      ...["update", "get"].flatMap((op) => [`${p}/+/${op}/accepted`, `${p}/+/${op}/rejected`]),
    ];
  }

  /** The execution the agent is running, if any (status and tests). */
  get running(): { jobId: string; executionNumber: number } | undefined {
    return this.current && { jobId: this.current.jobId, executionNumber: this.current.executionNumber };
  }

  bind(hooks: AgentRestart): void {
    this.hooks = hooks;
  }

  attach(link: ShadowLink): void {
    this.detach();
    this.link = link;
    this.unlisten = link.onMessage((topic, payload) => this.onMessage(topic, payload));
    // An agent takes work once it knows its own state (what version it runs, which blocklist).
    Promise.all([link.subscribe(this.topics), this.opts.facts.ready?.()]).then(
      () => {
        if (this.link === link) this.resume();
      },
      () => undefined, // the connection went away; the next one subscribes again
    );
  }

  /** The connection is gone; a running operation carries on (its final status waits for the next connection). */
  detach(): void {
    this.unlisten?.();
    this.unlisten = undefined;
    this.link = undefined;
    if (this.starting) this.timers.clearTimeout(this.starting.timer);
    this.starting = undefined;
    this.startAttempts = 0;
    if (this.current) {
      this.timers.clearTimeout(this.current.retryTimer);
      this.current.retryTimer = undefined;
      this.current.tokens.clear();
      this.current.attempts = 0;
    }
  }

  /** The agent stops (or its process restarts): whatever ran is gone with it. */
  forget(): void {
    this.current?.abort.abort();
    if (this.current) this.timers.clearTimeout(this.current.retryTimer);
    this.current = undefined;
  }

  private token(run?: Running, sent?: Sent): string {
    const token = `${this.tokenBase}-${++this.seq}`;
    if (run && sent) run.tokens.set(token, sent);
    return token;
  }

  private publish(topic: string, doc: JsonObject): void {
    this.link?.publish(`${this.prefix}/${topic}`, JSON.stringify(doc));
  }

  /** On a new connection: finish what is owed, check the running execution is still ours, or ask for work. */
  private resume(): void {
    const run = this.current;
    if (!run) return this.startNext();
    if (run.final || run.restart) return this.sendOwed(run);
    this.check(run);
  }

  private startNext(): void {
    if (!this.link || this.current || this.starting) return;
    const token = this.token();
    this.publish("start-next", { clientToken: token });
    const wait = Math.min(MAX_REQUEST_TIMEOUT_MS, REQUEST_TIMEOUT_MS * 2 ** this.startAttempts++);
    this.starting = { token, timer: this.timers.setTimeout(() => this.retryStart(), wait) };
  }

  private retryStart(): void {
    this.starting = undefined;
    this.startNext();
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (!this.link || !topic.startsWith(`${this.prefix}/`)) return;
    let doc: unknown;
    try {
      doc = JSON.parse(payload.toString("utf8"));
    } catch {
      return;
    }
    if (!isObject(doc)) return;
    const rest = topic.slice(this.prefix.length + 1).split("/");
    if (rest.length === 1 && rest[0] === "notify-next") return this.onNotifyNext(doc);
    if (rest.length === 2 && rest[0] === "start-next") return rest[1] === "accepted" ? this.onStartAccepted(doc) : this.onStartRejected(doc);
    if (rest.length !== 3) return;
    const [jobId, op, answer] = rest;
    const run = this.current;
    if (!run || run.jobId !== jobId || typeof doc.clientToken !== "string") return;
    const sent = run.tokens.get(doc.clientToken);
    if (!sent) return;
    run.tokens.delete(doc.clientToken);
    if (op === "update" && answer === "accepted") return this.onUpdateAccepted(run, sent);
    if (op === "get" && answer === "accepted") {
      const execution = isObject(doc.execution) ? doc.execution : undefined;
      if (!execution || execution.status !== "IN_PROGRESS" || (execution.executionNumber !== undefined && execution.executionNumber !== run.executionNumber)) {
        this.abandon(run);
      }
      return;
    }
    if (answer === "rejected") {
      if (typeof doc.code === "string" && GONE.has(doc.code)) return this.abandon(run);
      if (doc.code === REFUSED && (sent === "final" || sent === "restart")) return this.refused(run);
      // Anything else (throttled, internal error): a status the agent owes is sent again later.
      if (sent === "final" || sent === "restart") this.retryOwed(run, 5_000);
    }
  }

  private onNotifyNext(doc: JsonObject): void {
    const next = isObject(doc.execution) ? doc.execution : undefined;
    const run = this.current;
    if (!run) {
      if (next) this.startNext();
      return;
    }
    // The next execution is no longer the one being run: it may have been canceled or timed out under the agent,
    // and a retry of a timed-out one has the same job id with the next execution number.
    const same = next !== undefined && next.jobId === run.jobId && (next.executionNumber === undefined || next.executionNumber === run.executionNumber);
    if (!run.final && !run.restart && !same) this.check(run);
  }

  private onStartAccepted(doc: JsonObject): void {
    if (!this.starting || doc.clientToken !== this.starting.token) return;
    this.timers.clearTimeout(this.starting.timer);
    this.starting = undefined;
    this.startAttempts = 0;
    if (this.current) return;
    if (isObject(doc.execution)) this.begin(doc.execution);
  }

  private onStartRejected(doc: JsonObject): void {
    if (!this.starting || doc.clientToken !== this.starting.token) return;
    this.timers.clearTimeout(this.starting.timer);
    const wait = Math.min(MAX_REQUEST_TIMEOUT_MS, 5_000 * 2 ** this.startAttempts++);
    this.starting.timer = this.timers.setTimeout(() => this.retryStart(), wait);
  }

  private begin(execution: JsonObject): void {
    const jobId = execution.jobId;
    const executionNumber = execution.executionNumber;
    if (typeof jobId !== "string" || typeof executionNumber !== "number") return;
    const run: Running = { jobId, executionNumber, abort: new AbortController(), tokens: new Map(), attempts: 0 };
    this.current = run;
    if (this.opts.stats) this.opts.stats.started++;
    const parsed = parseJobDocument(execution.jobDocument);
    if (!parsed.ok) return this.finish(run, { status: "REJECTED", details: { reason: parsed.reason, message: parsed.message } });
    const rng = this.opts.rngFor(jobId, executionNumber);
    const details = stringDetails(execution.statusDetails);
    const signal = run.abort.signal;
    const fetcher = this.opts.download ?? download;
    runOperation(parsed.op, {
      executionNumber,
      details,
      fate: executionFate(rng, this.opts.settings),
      settings: this.opts.settings,
      facts: this.opts.facts,
      signal,
      rng,
      progress: (d) => {
        if (this.current !== run || signal.aborted) return;
        this.publish(`${jobId}/update`, { status: "IN_PROGRESS", statusDetails: cleanDetails(d), executionNumber, clientToken: this.token(run, "progress") });
      },
      sleep: (ms) => this.sleep(ms, signal),
      download: (o) => fetcher({ ...o, signal }),
    }).then(
      (outcome) => {
        if (this.current === run && !signal.aborted) this.finish(run, outcome);
      },
      (err: unknown) => {
        if (this.current !== run || signal.aborted) return;
        const message = `the agent failed: ${err instanceof Error ? err.message : String(err)}`;
        this.finish(run, { status: "FAILED", details: { reason: "AGENT_ERROR", message } });
      },
    );
  }

  private finish(run: Running, outcome: Outcome): void {
    if ("restart" in outcome) run.restart = { kind: outcome.restart, ms: outcome.ms, details: outcome.details };
    else run.final = { status: outcome.status, details: outcome.details };
    this.sendOwed(run);
  }

  /** The final status, or the details to keep over a restart: sent until accepted. */
  private sendOwed(run: Running): void {
    if (!this.link || this.current !== run) return;
    this.timers.clearTimeout(run.retryTimer);
    const body = run.final
      ? {
          status: run.final.status,
          statusDetails: cleanDetails(run.final.details),
          executionNumber: run.executionNumber,
          clientToken: this.token(run, "final"),
        }
      : {
          status: "IN_PROGRESS",
          statusDetails: cleanDetails(run.restart!.details),
          executionNumber: run.executionNumber,
          clientToken: this.token(run, "restart"),
        };
    this.publish(`${run.jobId}/update`, body);
    this.retryOwed(run, Math.min(MAX_REQUEST_TIMEOUT_MS, REQUEST_TIMEOUT_MS * 2 ** run.attempts++));
  }

  private retryOwed(run: Running, ms: number): void {
    this.timers.clearTimeout(run.retryTimer);
    run.retryTimer = this.timers.setTimeout(() => this.sendOwed(run), ms);
  }

  private onUpdateAccepted(run: Running, sent: Sent): void {
    if (sent === "final" && run.final) {
      this.timers.clearTimeout(run.retryTimer);
      const stats = this.opts.stats;
      if (stats) stats[run.final.status === "SUCCEEDED" ? "succeeded" : run.final.status === "FAILED" ? "failed" : "rejected"]++;
      this.current = undefined;
      this.startNext();
    } else if (sent === "restart" && run.restart) {
      // Where the agent is is stored: now it goes offline; the process that comes back knows only those details.
      this.timers.clearTimeout(run.retryTimer);
      const { ms, kind } = run.restart;
      this.forget();
      this.hooks?.restart(ms, kind);
    }
  }

  /**
   * The service refused the owed update as such (InvalidRequest: details it does not take),
   * so sending it again would be refused forever. The final status goes once more with only
   * its `reason`; refused again, the agent lets go. Details to keep over a restart that are
   * refused become a FAILED status (the agent cannot restart without them).
   */
  private refused(run: Running): void {
    if (this.current !== run) return;
    if (run.final?.minimal) return this.abandon(run);
    const reason = run.final ? run.final.details.reason : "AGENT_ERROR";
    run.final = { status: run.final?.status ?? "FAILED", details: reason === undefined ? {} : { reason }, minimal: true };
    run.restart = undefined;
    run.attempts = 0;
    // Answers still to come for the full details say nothing about the minimal one.
    for (const [token, sent] of run.tokens) if (sent === "final" || sent === "restart") run.tokens.delete(token);
    this.sendOwed(run);
  }

  /** Asks whether the running execution is still in progress (notify-next moved on, or the agent reconnected). */
  private check(run: Running): void {
    if (!this.link) return;
    this.publish(`${run.jobId}/get`, { executionNumber: run.executionNumber, includeJobDocument: false, clientToken: this.token(run, "check") });
  }

  private abandon(run: Running): void {
    if (this.current !== run) return;
    if (this.opts.stats) this.opts.stats.abandoned++;
    this.forget();
    this.startNext();
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const handle = this.timers.setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      const timers = this.timers;
      function done() {
        timers.clearTimeout(handle);
        signal.removeEventListener("abort", done);
        resolve();
      }
    });
  }
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function stringDetails(v: unknown): Details {
  const out: Details = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  return out;
}
