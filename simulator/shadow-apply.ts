import { computeDelta, deepEqual, deltaLeafPaths, isObject, own } from "../lib/shadow-document";
import { blocklistEntries } from "./agent-state";
import { Rng } from "./rng";

/**
 * What a simulated agent does with desired state, as pure functions: which agents
 * misbehave and how, the delta between desired and reported (AWS's rules), and what an
 * agent reports back for a delta. The MQTT side lives in agent-shadow.ts.
 */

export type JsonObject = Record<string, unknown>;

/** The classic shadow, or the named `config` shadow. */
export type ShadowKind = "classic" | "config";

export type BehaviourKind = "normal" | "lagging" | "failing" | "ignoring";

export interface BehaviourShares {
  /** Percent of agents that apply desired changes only after minutes. */
  lagPercent: number;
  /** Percent of agents that report an error instead of applying. */
  failPercent: number;
  /** Percent of agents (old versions) that do not know some settings and leave them pending. */
  ignorePercent: number;
}

export interface AgentFailure {
  code: string;
  message: string;
}

export interface AgentBehaviour {
  kind: BehaviourKind;
  /** Dotted paths of settings the agent does not know, per shadow (kind "ignoring"). */
  ignores: Record<ShadowKind, string[]>;
  /** What goes wrong when it applies (kind "failing"). */
  failure?: AgentFailure;
}

/** Settings newer than the agents that ignore them: an ignoring agent misses one classic setting and these config ones. */
export const UNKNOWN_SETTINGS: Record<ShadowKind, readonly string[]> = {
  classic: ["policy.cloudLookup", "policy.scanIntervalMinutes"],
  config: ["telemetryIntervalSeconds"],
};

export const AGENT_FAILURES: readonly AgentFailure[] = [
  { code: "DISK_FULL", message: "not enough disk space to stage the change" },
  { code: "SIGNATURE_INVALID", message: "signature verification of the downloaded content failed" },
  { code: "LOCKED_BY_LOCAL_ADMIN", message: "settings are locked by a local administrator" },
  { code: "SERVICE_TIMEOUT", message: "the protection service did not answer within 30 s" },
];

/**
 * How one agent treats desired state: the same for a thing in every run (fleet seed and
 * thing index). One draw places the agent on a 0..100 line, so raising a share adds
 * agents to a kind without reshuffling the others.
 */
export function agentBehaviour(seed: number, index: number, shares: BehaviourShares): AgentBehaviour {
  const rng = Rng.for(seed, "shadow-behaviour", index);
  const at = rng.next() * 100;
  const ignores: Record<ShadowKind, string[]> = { classic: [], config: [] };
  const lag = shares.lagPercent;
  const fail = lag + shares.failPercent;
  const ignore = fail + shares.ignorePercent;
  if (at < lag) return { kind: "lagging", ignores };
  if (at < fail) return { kind: "failing", ignores, failure: rng.pick(AGENT_FAILURES) };
  if (at < ignore) return { kind: "ignoring", ignores: { classic: [rng.pick(UNKNOWN_SETTINGS.classic)], config: [...UNKNOWN_SETTINGS.config] } };
  return { kind: "normal", ignores };
}

// ---- JSON helpers (the shared shadow-document rules) ---------------------------------------

export { isObject, mergeState } from "../lib/shadow-document";
export const jsonEqual = deepEqual;

/** The delta AWS computes (lib/shadow-document): undefined when desired and reported agree. */
export function shadowDelta(desired: JsonObject, reported: JsonObject): JsonObject | undefined {
  return computeDelta(desired, reported);
}

/** Leaves of a state section with their dotted paths (the shared walk: arrays and empty objects are leaves). */
export function leaves(state: JsonObject): Array<{ path: string; value: unknown }> {
  return deltaLeafPaths(state).map((path) => ({ path: path.join("."), value: path.reduce<unknown>((at, k) => own(at, k), state) }));
}

export function getPath(state: JsonObject, path: string): unknown {
  let at: unknown = state;
  for (const k of path.split(".")) {
    if (!isObject(at) || !Object.hasOwn(at, k)) return undefined;
    at = at[k];
  }
  return at;
}

/** Sets a dotted path in `state` (modified in place), creating objects on the way. */
export function setPath(state: JsonObject, path: string, value: unknown): void {
  const keys = path.split(".");
  let at = state;
  for (const k of keys.slice(0, -1)) {
    if (!isObject(at[k])) at[k] = {};
    at = at[k] as JsonObject;
  }
  at[keys[keys.length - 1]] = value;
}

// ---- applying a delta ---------------------------------------------------------------------

export interface ReportPlan {
  /** The `reported` section to send with /update; undefined when there is nothing to say. */
  report?: JsonObject;
  /** Dotted paths taken over from desired. */
  applied: string[];
  /** Dotted paths left pending because the agent does not know them. */
  ignored: string[];
  /** Dotted paths the agent failed to apply. */
  failed: string[];
  /** Identifies the failure reported (or still standing), so it is reported once, not on every delta. */
  failure?: string;
}

export interface ReportInput {
  /** The outstanding differences (a delta document's `state`). */
  delta: JsonObject | undefined;
  /** The agent's reported state for this shadow. */
  reported: JsonObject;
  behaviour: AgentBehaviour;
  shadow: ShadowKind;
  /** Epoch seconds, the unit of shadow timestamps: `lastError.at`. */
  nowSeconds: number;
  /** The `failure` of the agent's previous plan, if it reported one. */
  lastFailure?: string;
}

/**
 * What an agent reports for the outstanding differences: the desired values it applied
 * (only those keys), nothing for settings it does not know, or a `lastError` when it
 * fails to apply (once per distinct failure: a report of its own makes AWS send the
 * delta again). A successful apply clears an earlier `lastError`.
 */
export function planReport(input: ReportInput): ReportPlan {
  const { reported, behaviour, shadow } = input;
  const plan: ReportPlan = { applied: [], ignored: [], failed: [] };
  const todo: Array<{ path: string; value: unknown }> = [];
  for (const leaf of leaves(input.delta ?? {})) {
    // `{}` over an object reported already holds changes nothing (AWS merges it into nothing).
    if (isObject(leaf.value) && isObject(getPath(reported, leaf.path))) continue;
    if (behaviour.ignores[shadow].some((p) => leaf.path === p || leaf.path.startsWith(`${p}.`))) plan.ignored.push(leaf.path);
    // An agent never goes back to an older blocklist (a newer one came by a job, docs/agent-jobs.md): that stays pending.
    else if (shadow === "classic" && leaf.path === "blocklist.version" && isOlder(leaf.value, getPath(reported, leaf.path))) plan.ignored.push(leaf.path);
    else if (!jsonEqual(getPath(reported, leaf.path), leaf.value)) todo.push(leaf);
  }
  if (todo.length === 0) return plan;

  if (behaviour.kind === "failing") {
    plan.failed = todo.map((l) => l.path);
    const failure = behaviour.failure ?? AGENT_FAILURES[0];
    plan.failure = `${failure.code} ${JSON.stringify(todo)}`;
    if (plan.failure === input.lastFailure) return plan;
    plan.report = { lastError: { code: failure.code, message: failure.message, at: input.nowSeconds, keys: plan.failed } };
    return plan;
  }

  const report: JsonObject = {};
  for (const leaf of todo) {
    setPath(report, leaf.path, leaf.value);
    plan.applied.push(leaf.path);
  }
  // What follows from a change: a new blocklist version brings its entries.
  const version = getPath(report, "blocklist.version");
  if (shadow === "classic" && typeof version === "number" && Number.isInteger(version)) {
    const entries = blocklistEntries(version);
    if (getPath(reported, "blocklist.entries") !== entries && getPath(report, "blocklist.entries") === undefined) setPath(report, "blocklist.entries", entries);
  }
  if (reported.lastError !== undefined) report.lastError = null;
  plan.report = report;
  return plan;
}

function isOlder(version: unknown, than: unknown): boolean {
  return typeof version === "number" && typeof than === "number" && version < than;
}

// ---- live values -------------------------------------------------------------------------

/**
 * The next health report: CPU and memory drift a little from what was reported, uptime
 * grows. Only the values that changed; undefined when there is no health to update.
 */
export function healthReport(reported: JsonObject, rng: Rng, uptimeHours?: number): JsonObject | undefined {
  const health = reported.health;
  if (!isObject(health)) return undefined;
  const out: JsonObject = {};
  const next: JsonObject = {};
  if (typeof health.cpuPercent === "number") {
    const cpu = Math.round(Math.min(99, Math.max(0.5, health.cpuPercent + (rng.next() - 0.5) * 12)) * 10) / 10;
    if (cpu !== health.cpuPercent) next.cpuPercent = cpu;
  }
  if (typeof health.memoryMb === "number") {
    const mem = Math.round(Math.min(2048, Math.max(64, health.memoryMb * (0.94 + rng.next() * 0.12))));
    if (mem !== health.memoryMb) next.memoryMb = mem;
  }
  if (Object.keys(next).length > 0) out.health = next;
  const os = reported.os;
  if (uptimeHours !== undefined && isObject(os) && os.uptimeHours !== uptimeHours) out.os = { uptimeHours };
  return Object.keys(out).length > 0 ? out : undefined;
}
