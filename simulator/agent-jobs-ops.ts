import { checkBlocklist, quoteValue } from "./blocklist";
import type { DownloadOptions, DownloadResult } from "./agent-jobs-download";
import type { Rng } from "./rng";

/**
 * The operations a simulated agent understands in a job document (the contract is
 * docs/agent-jobs.md), as one function per operation over a small runtime: progress
 * reports, delays, downloads and the agent's own facts. The MQTT side (which execution,
 * sending the updates) is agent-jobs.ts.
 */

export type JsonObject = Record<string, unknown>;
/** statusDetails: string values only (AWS's DetailsMap). */
export type Details = Record<string, string>;

/** How the fleet's agents fare with jobs (AGENT_* environment variables for the shares). */
export interface JobSettings {
  /** Percent of executions whose download fails. */
  downloadFailPercent: number;
  /** Percent of agent-update executions whose install fails. */
  installFailPercent: number;
  /** Percent of executions that report progress once and then never again (timeouts, abort criteria). */
  hangPercent: number;
  /** Versions that are bad builds, besides any ending in `-bad`. */
  badBuildVersions: string[];
  /** Percent of agents that fail after installing a bad build (and roll back). */
  badBuildFailPercent: number;
  /** Time to install an update (ms, jittered ±50%); a blocklist applies in a fifth of it. */
  installMs: number;
  /** Time a restart after an update keeps the agent offline (ms, ±50%). */
  restartMs: number;
  /** Time a reboot keeps the agent offline (ms, ±50%). */
  rebootMs: number;
}

export const DEFAULT_JOB_SETTINGS: JobSettings = {
  downloadFailPercent: 1,
  installFailPercent: 1,
  hangPercent: 0,
  badBuildVersions: [],
  badBuildFailPercent: 90,
  installMs: 5_000,
  restartMs: 3_000,
  rebootMs: 10_000,
};

/** The largest artifact and blocklist file an agent downloads. */
export const MAX_ARTIFACT_BYTES = 2 * 1024 ** 3;
export const MAX_BLOCKLIST_FILE_BYTES = 64 * 1024 ** 2;

export function isBadBuild(version: string, settings: JobSettings): boolean {
  return version.endsWith("-bad") || settings.badBuildVersions.includes(version);
}

export type Fate = "normal" | "hang" | "download-fails" | "install-fails";

/** What befalls one execution: one draw on a 0..100 line, so raising a share adds executions to it without reshuffling the rest. */
export function executionFate(rng: Rng, settings: JobSettings): { fate: Fate; badBuildFails: boolean } {
  const at = rng.next() * 100;
  const badBuildFails = rng.next() * 100 < settings.badBuildFailPercent;
  const hang = settings.hangPercent;
  const dl = hang + settings.downloadFailPercent;
  const inst = dl + settings.installFailPercent;
  const fate: Fate = at < hang ? "hang" : at < dl ? "download-fails" : at < inst ? "install-fails" : "normal";
  return { fate, badBuildFails };
}

export type Operation =
  | { operation: "agent-update"; version: string; url: string; sha256: string; size?: number }
  | { operation: "blocklist-update"; version: number; entries?: unknown; url?: string; sha256?: string }
  | { operation: "reboot" };

export type Rejection = { reason: "UNKNOWN_OPERATION" | "INVALID_DOCUMENT"; message: string };

const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/;
const SHA256 = /^[0-9a-fA-F]{64}$/;

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function httpUrl(v: unknown): v is string {
  if (typeof v !== "string") return false;
  try {
    const u = new URL(v);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

/** A job document (an object over MQTT, a JSON string over HTTP) as an operation, or why the agent refuses it. */
export function parseJobDocument(doc: unknown): { ok: true; op: Operation } | ({ ok: false } & Rejection) {
  const invalid = (message: string) => ({ ok: false as const, reason: "INVALID_DOCUMENT" as const, message });
  if (typeof doc === "string") {
    try {
      doc = JSON.parse(doc);
    } catch {
      return invalid("the job document is not JSON");
    }
  }
  if (!isObject(doc)) return invalid("the job document is not a JSON object");
  const op = doc.operation;
  if (typeof op !== "string") return invalid('the job document has no "operation"');
  switch (op) {
    case "agent-update": {
      if (typeof doc.version !== "string" || !VERSION.test(doc.version))
        return invalid('"version" must be a version string (letters, digits, . + _ -; at most 64)');
      if (!httpUrl(doc.url)) return invalid('"url" must be an http(s) URL');
      if (typeof doc.sha256 !== "string" || !SHA256.test(doc.sha256)) return invalid('"sha256" must be 64 hex digits');
      if (doc.size !== undefined && !(Number.isSafeInteger(doc.size) && (doc.size as number) > 0))
        return invalid('"size" must be a positive whole number of bytes');
      return { ok: true, op: { operation: op, version: doc.version, url: doc.url, sha256: doc.sha256.toLowerCase(), size: doc.size as number | undefined } };
    }
    case "blocklist-update": {
      if (!Number.isSafeInteger(doc.version) || (doc.version as number) < 1) return invalid('"version" must be a whole number of 1 or more');
      const inline = doc.entries !== undefined;
      if (inline === (doc.url !== undefined)) return invalid('the document needs either "entries" or "url" with "sha256"');
      if (!inline) {
        if (!httpUrl(doc.url)) return invalid('"url" must be an http(s) URL');
        if (typeof doc.sha256 !== "string" || !SHA256.test(doc.sha256)) return invalid('"sha256" must be 64 hex digits');
        return { ok: true, op: { operation: op, version: doc.version as number, url: doc.url, sha256: doc.sha256.toLowerCase() } };
      }
      return { ok: true, op: { operation: op, version: doc.version as number, entries: doc.entries } };
    }
    case "reboot":
      return { ok: true, op: { operation: op } };
    default:
      return { ok: false, reason: "UNKNOWN_OPERATION", message: `the agent does not know the operation ${quoteValue(op)}` };
  }
}

/** What the agent knows of itself, and how it tells its shadow (agent-shadow.ts). */
export interface AgentFacts {
  agentVersion(): string | undefined;
  blocklistVersion(): number | undefined;
  /** Reports a change of the agent's own state in the classic shadow's reported section. */
  report(patch: JsonObject): void;
  /** Resolves once the agent knows its state on this connection (its shadow read back); omitted, it always does. */
  ready?(): Promise<void>;
}

export interface OpRuntime {
  /** The execution's number and its statusDetails when it was started (where a restart left off). */
  executionNumber: number;
  details: Details;
  fate: { fate: Fate; badBuildFails: boolean };
  settings: JobSettings;
  facts: AgentFacts;
  /** Aborted when the execution is no longer the agent's to run (canceled, timed out, agent stopped). */
  signal: AbortSignal;
  /** An IN_PROGRESS update with these details (fire and forget). */
  progress(details: Details): void;
  sleep(ms: number): Promise<void>;
  /** The execution's own draws (delays, which failure). */
  rng: Rng;
  download(opts: Omit<DownloadOptions, "signal">): Promise<DownloadResult>;
}

export type Outcome =
  | { status: "SUCCEEDED" | "FAILED" | "REJECTED"; details: Details }
  /** The agent goes offline for `ms` (process restart or reboot) once these details are stored; the execution is finished after it comes back. */
  | { restart: "restart" | "reboot"; ms: number; details: Details };

const INSTALL_FAILURES = [
  "the installer exited with code 1603",
  "not enough disk space to unpack the update",
  "the update's signature was not accepted by the OS",
] as const;

/** The service's limit on one statusDetails value (UTF-16 code units, as it counts them). */
export const MAX_DETAIL_VALUE = 1024;
const NOT_PRINTABLE = /\p{C}/gu;

/**
 * A statusDetails value as the service takes one (DetailsValue: `[^\p{C}]+`, 1–1024
 * characters): control, format, private-use, unassigned and unpaired surrogate characters
 * removed, then cut at a code point (never inside a surrogate pair) with `...`. Empty when
 * nothing printable is left (the caller drops the key: an empty value is refused too).
 */
export function detailValue(s: string): string {
  const clean = s.replace(NOT_PRINTABLE, "");
  if (clean.length <= MAX_DETAIL_VALUE) return clean;
  let out = "";
  for (const ch of clean) {
    if (out.length + ch.length > MAX_DETAIL_VALUE - 3) break;
    out += ch;
  }
  return `${out}...`;
}

/** Every value made acceptable (detailValue), keys whose value ends up empty dropped: what the agent sends. */
export function cleanDetails(details: Details): Details {
  const out: Details = {};
  for (const [k, v] of Object.entries(details)) {
    const clean = detailValue(v);
    if (clean !== "") out[k] = clean;
  }
  return out;
}

/** ms jittered ±50%. */
const jitter = (rt: OpRuntime, ms: number) => ms * (0.5 + rt.rng.next());

const hang = (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));

export async function runOperation(op: Operation, rt: OpRuntime): Promise<Outcome> {
  switch (op.operation) {
    case "agent-update":
      return agentUpdate(op, rt);
    case "blocklist-update":
      return blocklistUpdate(op, rt);
    case "reboot":
      return reboot(rt);
  }
}

/** Whether the execution is coming back from a restart this very execution asked for. */
function resumedAfter(rt: OpRuntime, step: string): boolean {
  return rt.details.step === step && rt.details.execution === String(rt.executionNumber);
}

async function agentUpdate(op: Extract<Operation, { operation: "agent-update" }>, rt: OpRuntime): Promise<Outcome> {
  const { version } = op;
  if (resumedAfter(rt, "restarting") && rt.details.version === version) {
    const from = rt.details.from ?? "unknown";
    if (isBadBuild(version, rt.settings) && rt.fate.badBuildFails) {
      // The new build does not come up: the agent rolls back and says why.
      const message = `${version} failed its health check after the restart; rolled back to ${from}`;
      return { status: "FAILED", details: { step: "starting", reason: "HEALTH_CHECK_FAILED", message, version: from } };
    }
    rt.facts.report({ agent: { version } });
    return { status: "SUCCEEDED", details: { step: "done", version } };
  }
  const current = rt.facts.agentVersion();
  if (current === version) return { status: "SUCCEEDED", details: { step: "done", version, note: "already installed" } };

  rt.progress({ step: "downloading", percent: "0", version });
  if (rt.fate.fate === "hang") return hang(rt.signal);
  if (rt.fate.fate === "download-fails") {
    await rt.sleep(jitter(rt, 1_000));
    return {
      status: "FAILED",
      details: { step: "downloading", reason: "DOWNLOAD_FAILED", message: "the connection to the artifact server kept dropping (simulated)" },
    };
  }
  let reported = 0;
  const got = await rt.download({
    url: op.url,
    sha256: op.sha256,
    size: op.size,
    maxBytes: MAX_ARTIFACT_BYTES,
    onProgress(received, total) {
      // A quarter at a time: enough to watch, few enough updates for a fleet.
      const quarter = total ? Math.floor((received / total) * 4) : 0;
      if (quarter > reported && quarter < 4) {
        reported = quarter;
        rt.progress({ step: "downloading", percent: String(quarter * 25), version });
      }
    },
  });
  if (rt.signal.aborted) return hang(rt.signal);
  if (!got.ok) return { status: "FAILED", details: { step: "downloading", reason: got.code, message: got.message } };

  rt.progress({ step: "installing", percent: "100", version });
  await rt.sleep(jitter(rt, rt.settings.installMs));
  if (rt.signal.aborted) return hang(rt.signal);
  if (rt.fate.fate === "install-fails") {
    const message = rt.rng.pick(INSTALL_FAILURES);
    return { status: "FAILED", details: { step: "installing", reason: "INSTALL_FAILED", message } };
  }
  const details: Details = { step: "restarting", version, execution: String(rt.executionNumber) };
  if (current !== undefined) details.from = current;
  return { restart: "restart", ms: jitter(rt, rt.settings.restartMs), details };
}

async function blocklistUpdate(op: Extract<Operation, { operation: "blocklist-update" }>, rt: OpRuntime): Promise<Outcome> {
  const installed = rt.facts.blocklistVersion();
  if (installed !== undefined && op.version < installed) {
    return { status: "REJECTED", details: { reason: "BLOCKLIST_DOWNGRADE", message: `version ${op.version} is older than the installed ${installed}` } };
  }
  let entries = op.entries;
  if (op.url !== undefined) {
    rt.progress({ step: "downloading", version: String(op.version) });
    if (rt.fate.fate === "hang") return hang(rt.signal);
    if (rt.fate.fate === "download-fails") {
      return {
        status: "FAILED",
        details: { step: "downloading", reason: "DOWNLOAD_FAILED", message: "the connection to the list's server kept dropping (simulated)" },
      };
    }
    const chunks: Buffer[] = [];
    const got = await rt.download({ url: op.url, sha256: op.sha256!, maxBytes: MAX_BLOCKLIST_FILE_BYTES, sink: (c) => chunks.push(c) });
    if (rt.signal.aborted) return hang(rt.signal);
    if (!got.ok) return { status: "FAILED", details: { step: "downloading", reason: got.code, message: got.message } };
    let file: unknown;
    try {
      file = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return { status: "REJECTED", details: { reason: "INVALID_DOCUMENT", message: "the list file is not JSON" } };
    }
    if (!isObject(file) || file.entries === undefined)
      return { status: "REJECTED", details: { reason: "INVALID_DOCUMENT", message: 'the list file has no "entries"' } };
    if (file.version !== undefined && file.version !== op.version) {
      return {
        status: "REJECTED",
        details: { reason: "INVALID_DOCUMENT", message: `the list file is version ${quoteValue(file.version)}, the job says ${op.version}` },
      };
    }
    entries = file.entries;
  } else {
    rt.progress({ step: "validating", version: String(op.version) });
    if (rt.fate.fate === "hang") return hang(rt.signal);
  }
  const checked = checkBlocklist(entries);
  if (!checked.ok) return { status: "REJECTED", details: { reason: "INVALID_ENTRY", message: checked.problems.join("; ") } };
  rt.progress({ step: "applying", version: String(op.version) });
  await rt.sleep(jitter(rt, rt.settings.installMs / 5));
  if (rt.signal.aborted) return hang(rt.signal);
  rt.facts.report({ blocklist: { version: op.version, entries: checked.count } });
  return { status: "SUCCEEDED", details: { step: "done", version: String(op.version), entries: String(checked.count) } };
}

async function reboot(rt: OpRuntime): Promise<Outcome> {
  if (resumedAfter(rt, "rebooting")) return { status: "SUCCEEDED", details: { step: "done" } };
  if (rt.fate.fate === "hang") {
    rt.progress({ step: "preparing" });
    return hang(rt.signal);
  }
  return { restart: "reboot", ms: jitter(rt, rt.settings.rebootMs), details: { step: "rebooting", execution: String(rt.executionNumber) } };
}
