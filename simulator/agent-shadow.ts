import { randomBytes } from "node:crypto";
import type { MqttClient } from "mqtt";
import type { Rng } from "./rng";
import { CONFIG_SHADOW } from "./agent-state";
import {
  getPath,
  healthReport,
  leaves,
  setPath,
  isObject,
  jsonEqual,
  mergeState,
  planReport,
  shadowDelta,
  type AgentBehaviour,
  type JsonObject,
  type ShadowKind,
} from "./shadow-apply";

/** How the fleet's agents treat their shadows (SHADOW_* environment variables). */
export interface ShadowSettings {
  /** Time to apply a desired change (ms, jittered ±50%); 0 = at once. */
  applyDelayMs: number;
  /** Lagging agents' time to apply (ms, jittered ±50%). */
  lagDelayMs: number;
  lagPercent: number;
  failPercent: number;
  ignorePercent: number;
  /** How often an agent reports live health values (ms, jittered ±50%); 0 = never. */
  healthIntervalMs: number;
}

export const DEFAULT_SHADOW_SETTINGS: ShadowSettings = {
  applyDelayMs: 3_000,
  lagDelayMs: 5 * 60_000,
  lagPercent: 5,
  failPercent: 2,
  ignorePercent: 3,
  healthIntervalMs: 10 * 60_000,
};

/** Fleet-wide counters for the status line. */
export interface ShadowStats {
  applied: number;
  failed: number;
  healthReports: number;
  rejected: number;
}

export const newShadowStats = (): ShadowStats => ({ applied: 0, failed: 0, healthReports: 0, rejected: 0 });

/** The part of an MQTT connection the shadow protocol needs. */
export interface ShadowLink {
  subscribe(topics: string[]): Promise<void>;
  publish(topic: string, payload: string): void;
  /** Returns a function that stops the delivery. */
  onMessage(handler: (topic: string, payload: Buffer) => void): () => void;
}

export function mqttLink(client: MqttClient): ShadowLink {
  return {
    subscribe: (topics) => new Promise((resolve, reject) => client.subscribe(topics, { qos: 1 }, (err) => (err ? reject(err) : resolve()))),
    publish: (topic, payload) => client.publish(topic, payload, { qos: 1 }, () => undefined),
    onMessage(handler) {
      const listener = (topic: string, payload: Buffer) => handler(topic, payload);
      client.on("message", listener);
      return () => client.removeListener("message", listener);
    },
  };
}

export interface AgentShadowsOptions {
  behaviour: AgentBehaviour;
  settings: ShadowSettings;
  /** Jitter of delays and health values. */
  rng: Rng;
  /** Reported state to write when a shadow does not exist (the agent's state at installation). */
  initial?: { classic: JsonObject; config?: JsonObject };
  /** Whether the agent keeps a named `config` shadow. */
  config: boolean;
  stats?: ShadowStats;
  /** Epoch ms (injectable for tests). */
  now?: () => number;
  /** The agent's delays (injectable: a test steps the agent's time while the network runs in real time). */
  timers?: AgentTimers;
}

export interface AgentTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_TIMERS: AgentTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};

type Op = "get/accepted" | "get/rejected" | "update/delta" | "update/accepted" | "update/rejected";
const OPS: readonly Op[] = ["get/accepted", "get/rejected", "update/delta", "update/accepted", "update/rejected"];

/** An unanswered /get is asked again after this (doubling, up to 5 min). */
const GET_TIMEOUT_MS = 30_000;
const MAX_GET_TIMEOUT_MS = 300_000;

interface Slot {
  kind: ShadowKind;
  prefix: string;
  initial?: JsonObject;
  /** The shadow version last seen; -1 until the /get answer. */
  version: number;
  synced: boolean;
  desired: JsonObject;
  reported: JsonObject;
  /** Deltas that came in before the /get answer. */
  early: Array<{ version: number; state: JsonObject }>;
  applyTimer?: unknown;
  getTimer?: unknown;
  getAttempts: number;
  getToken?: string;
  lastFailure?: string;
  /** Reports not yet answered, by client token: what they said and the reported values they replaced. */
  outstanding: Map<string, { report: JsonObject; before: JsonObject; keys: string[] }>;
  /** The desired values of the last report refused as malformed or too large: not sent again. */
  refused?: string;
}

/**
 * One agent's side of the Device Shadow MQTT protocol. On every connection it subscribes
 * to its shadow topics and asks for its shadows (/get); its reported state is what it
 * gets back, so a restarted simulator carries on where it was, and an outstanding delta
 * in the answer is worked off like a delta message (how agents catch up after being
 * offline). Desired changes are applied after a delay and reported back for the keys
 * applied; the agent's behaviour may delay them further, fail them or skip keys.
 * It keeps a copy of desired and reported (from /get, deltas and /update/accepted) and
 * works from the latest copy when the delay is up, so a newer delta supersedes a pending
 * one and values no longer desired are not reported.
 */
export class AgentShadows {
  private link?: ShadowLink;
  private unlisten?: () => void;
  private readonly slots: Slot[];
  private readonly byTopic = new Map<string, { slot: Slot; op: Op }>();
  private healthTimer?: unknown;
  private readonly tokenBase = randomBytes(4).toString("hex");
  private seq = 0;
  /** Epoch ms of the classic shadow's sync and the uptime it reported then. */
  private uptimeBase?: { at: number; hours: number };
  private readonly now: () => number;
  private readonly timers: AgentTimers;
  /** What the agent changed about itself (a job installed a version or a blocklist): reported whenever the shadow says otherwise. */
  private local: JsonObject = {};
  /** Waiting for the classic shadow's next sync (whenSynced). */
  private waiters: Array<() => void> = [];

  constructor(
    readonly thingName: string,
    private readonly opts: AgentShadowsOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.timers = opts.timers ?? REAL_TIMERS;
    const prefix = `$aws/things/${thingName}/shadow`;
    this.slots = [this.slot("classic", prefix, opts.initial?.classic)];
    if (opts.config) this.slots.push(this.slot("config", `${prefix}/name/${CONFIG_SHADOW}`, opts.initial?.config));
    for (const slot of this.slots) for (const op of OPS) this.byTopic.set(`${slot.prefix}/${op}`, { slot, op });
  }

  /** The shadow topics the agent subscribes to. */
  get topics(): string[] {
    return [...this.byTopic.keys()];
  }

  /** The agent's reported state as it knows it (for tests and status). */
  reported(kind: ShadowKind = "classic"): JsonObject | undefined {
    return this.slots.find((s) => s.kind === kind)?.reported;
  }

  /**
   * The agent's own state changed (agent-jobs.ts: a new version, a new blocklist): it is
   * reported now if the classic shadow is in sync, else at the next sync, and again at
   * any sync that finds the shadow saying otherwise (the agent knows what it runs).
   */
  reportLocal(patch: JsonObject): void {
    this.local = mergeState(this.local, patch);
    const slot = this.slots[0];
    if (slot.initial) slot.initial = mergeState(slot.initial, patch);
    this.syncLocal(slot);
  }

  /** The classic shadow's reported state with the agent's own changes over it: what the agent runs. */
  actual(): JsonObject {
    return mergeState(this.slots[0].reported, this.local);
  }

  /** Resolves once the classic shadow is in sync (at once if it is): the agent knows its own state then. */
  whenSynced(): Promise<void> {
    if (this.slots[0].synced) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The shadow is in sync: the agent's own changes go out, and whoever waited for the sync goes on. */
  private onSynced(slot: Slot): void {
    this.syncLocal(slot);
    if (slot.kind !== "classic") return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private syncLocal(slot: Slot): void {
    if (slot.kind !== "classic" || !this.link || !slot.synced) return;
    const differ: JsonObject = {};
    for (const { path, value } of leaves(this.local)) if (!jsonEqual(getPath(slot.reported, path), value)) setPath(differ, path, value);
    if (Object.keys(differ).length > 0) this.report(slot, differ, []);
  }

  /** A new connection: subscribe, then ask for the shadows. */
  attach(link: ShadowLink): void {
    this.detach();
    this.link = link;
    this.unlisten = link.onMessage((topic, payload) => this.onMessage(topic, payload));
    link.subscribe(this.topics).then(
      () => {
        if (this.link !== link) return;
        for (const slot of this.slots) this.requestGet(slot);
      },
      () => undefined, // the connection went away; the next one subscribes again
    );
    if (this.opts.settings.healthIntervalMs > 0) this.scheduleHealth();
  }

  /** The connection is gone: nothing is pending any more (the next /get tells what is). */
  detach(): void {
    this.unlisten?.();
    this.unlisten = undefined;
    this.link = undefined;
    this.timers.clearTimeout(this.healthTimer);
    this.healthTimer = undefined;
    for (const slot of this.slots) {
      this.timers.clearTimeout(slot.applyTimer);
      this.timers.clearTimeout(slot.getTimer);
      slot.applyTimer = slot.getTimer = undefined;
      slot.synced = false;
      slot.version = -1;
      slot.early = [];
      slot.getAttempts = 0;
      slot.lastFailure = undefined;
      slot.outstanding.clear();
      slot.refused = undefined;
    }
  }

  private slot(kind: ShadowKind, prefix: string, initial?: JsonObject): Slot {
    return { kind, prefix, initial, version: -1, synced: false, desired: {}, reported: {}, early: [], getAttempts: 0, outstanding: new Map() };
  }

  private token(): string {
    return `${this.tokenBase}-${++this.seq}`;
  }

  private send(slot: Slot, op: "get" | "update", doc: JsonObject): void {
    this.link?.publish(`${slot.prefix}/${op}`, JSON.stringify(doc));
  }

  private requestGet(slot: Slot): void {
    if (!this.link) return;
    this.timers.clearTimeout(slot.getTimer);
    slot.getToken = this.token();
    this.send(slot, "get", { clientToken: slot.getToken });
    const wait = Math.min(MAX_GET_TIMEOUT_MS, GET_TIMEOUT_MS * 2 ** slot.getAttempts++) * (0.75 + this.opts.rng.next() * 0.5);
    slot.getTimer = this.timers.setTimeout(() => this.requestGet(slot), wait);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const route = this.byTopic.get(topic);
    if (!route || !this.link) return;
    let doc: unknown;
    try {
      doc = JSON.parse(payload.toString("utf8"));
    } catch {
      return;
    }
    if (!isObject(doc)) return;
    const { slot, op } = route;
    switch (op) {
      case "get/accepted":
        return this.onGetAccepted(slot, doc);
      case "get/rejected":
        return this.onGetRejected(slot, doc);
      case "update/delta":
        return this.onDelta(slot, doc);
      case "update/accepted":
        return this.onUpdateAccepted(slot, doc);
      case "update/rejected":
        return this.onUpdateRejected(slot, doc);
    }
  }

  private onGetAccepted(slot: Slot, doc: JsonObject): void {
    const version = versionOf(doc);
    if (slot.synced && version < slot.version) return;
    const state = isObject(doc.state) ? doc.state : {};
    this.timers.clearTimeout(slot.getTimer);
    slot.getTimer = undefined;
    slot.version = version;
    slot.desired = isObject(state.desired) ? state.desired : {};
    slot.reported = isObject(state.reported) ? state.reported : {};
    slot.synced = true;
    // Differences announced after this answer was made still count.
    for (const d of slot.early) if (d.version > version) slot.desired = mergeState(slot.desired, d.state);
    slot.early = [];
    if (slot.kind === "classic") this.noteUptime(slot.reported);
    this.onSynced(slot);
    // The delta in the answer (what changed while the agent was away) is worked off like a delta message.
    this.schedule(slot);
  }

  private onGetRejected(slot: Slot, doc: JsonObject): void {
    if (typeof doc.clientToken === "string" && doc.clientToken !== slot.getToken) return; // someone else's
    if (slot.synced) return;
    this.timers.clearTimeout(slot.getTimer);
    slot.getTimer = undefined;
    if (doc.code === 404 && slot.initial) {
      // No shadow (deleted, or never written): the agent reports what it has.
      slot.synced = true;
      slot.version = -1;
      slot.desired = {};
      slot.reported = slot.initial;
      slot.early = [];
      if (slot.kind === "classic") this.noteUptime(slot.reported);
      this.send(slot, "update", { state: { reported: slot.initial }, clientToken: this.token() });
      this.onSynced(slot);
      return;
    }
    if (doc.code === 404) {
      // Nothing to report: should someone desire something, the agent takes it from there.
      slot.synced = true;
      slot.version = -1;
      slot.desired = slot.reported = {};
      slot.early = [];
      this.onSynced(slot);
      return;
    }
    const wait = Math.min(MAX_GET_TIMEOUT_MS, 5_000 * 2 ** slot.getAttempts) * (0.5 + this.opts.rng.next());
    slot.getTimer = this.timers.setTimeout(() => this.requestGet(slot), wait);
  }

  private onDelta(slot: Slot, doc: JsonObject): void {
    const version = versionOf(doc);
    if (!isObject(doc.state)) return;
    if (!slot.synced) {
      if (slot.early.length < 8) slot.early.push({ version, state: doc.state });
      return;
    }
    if (version < slot.version) return; // an older delta overtaken by what the agent knows
    slot.version = version;
    slot.desired = settled(mergeState(slot.desired, doc.state), slot.reported, doc.state);
    this.schedule(slot);
  }

  private onUpdateAccepted(slot: Slot, doc: JsonObject): void {
    if (typeof doc.clientToken === "string") slot.outstanding.delete(doc.clientToken);
    if (!slot.synced) return;
    const version = versionOf(doc);
    if (version < slot.version) return;
    slot.version = version;
    const state = isObject(doc.state) ? doc.state : {};
    if (isObject(state.reported)) slot.reported = mergeState(slot.reported, state.reported);
    if (state.desired === null) slot.desired = {};
    else if (isObject(state.desired)) slot.desired = mergeState(slot.desired, state.desired);
    if (state.desired !== undefined) this.schedule(slot);
  }

  private onUpdateRejected(slot: Slot, doc: JsonObject): void {
    if (typeof doc.clientToken !== "string" || !doc.clientToken.startsWith(`${this.tokenBase}-`)) return;
    if (this.opts.stats) this.opts.stats.rejected++;
    const sent = slot.outstanding.get(doc.clientToken);
    slot.outstanding.delete(doc.clientToken);
    if (doc.code === 400 || doc.code === 413) {
      // A malformed or oversized report would be refused again: the agent takes back what it
      // reported, says so once in lastError and does not send the same values again.
      if (!sent) return;
      const restore: JsonObject = {};
      for (const { path } of leaves(sent.report)) setPath(restore, path, getPath(sent.before, path) ?? null);
      slot.reported = mergeState(slot.reported, restore);
      if (sent.keys.length === 0) return; // a health report or a lastError: nothing to tell
      slot.refused = attemptOf(sent.report, sent.keys);
      const message = `shadow update rejected (${doc.code}): ${typeof doc.message === "string" ? doc.message : "no reason given"}`;
      const lastError = { code: "REPORT_REJECTED", message, at: Math.floor(this.now() / 1000), keys: sent.keys };
      if (slot.synced && this.link) this.report(slot, { lastError }, []);
      return;
    }
    slot.synced = false;
    slot.getAttempts = 0;
    this.timers.clearTimeout(slot.applyTimer);
    slot.applyTimer = undefined;
    slot.getTimer = this.timers.setTimeout(() => this.requestGet(slot), 1_000 + this.opts.rng.next() * 4_000);
  }

  /** Something is to be done about the differences: after the agent's delay, unless already due. */
  private schedule(slot: Slot): void {
    if (slot.applyTimer || !this.link) return;
    if (!this.plan(slot).report) return;
    const { settings, behaviour } = this.opts;
    const base = behaviour.kind === "lagging" ? settings.lagDelayMs : settings.applyDelayMs;
    const delay = base * (0.5 + this.opts.rng.next());
    slot.applyTimer = this.timers.setTimeout(() => {
      slot.applyTimer = undefined;
      this.apply(slot);
    }, delay);
  }

  private plan(slot: Slot) {
    return planReport({
      delta: shadowDelta(slot.desired, slot.reported),
      reported: slot.reported,
      behaviour: this.opts.behaviour,
      shadow: slot.kind,
      nowSeconds: Math.floor(this.now() / 1000),
      lastFailure: slot.lastFailure,
    });
  }

  private apply(slot: Slot): void {
    if (!this.link || !slot.synced) return;
    const plan = this.plan(slot);
    slot.lastFailure = plan.failure;
    if (!plan.report) return;
    const next = mergeState(slot.reported, plan.report);
    if (jsonEqual(next, slot.reported)) return; // would change nothing: never loop on it
    if (plan.applied.length > 0 && attemptOf(plan.report, plan.applied) === slot.refused) return; // refused before
    this.report(slot, plan.report, plan.applied);
    const stats = this.opts.stats;
    if (stats) {
      if (plan.failed.length > 0) stats.failed++;
      else stats.applied++;
    }
  }

  private noteUptime(reported: JsonObject): void {
    const hours = isObject(reported.os) ? reported.os.uptimeHours : undefined;
    this.uptimeBase = typeof hours === "number" ? { at: this.now(), hours } : undefined;
  }

  private scheduleHealth(): void {
    const every = this.opts.settings.healthIntervalMs;
    this.healthTimer = this.timers.setTimeout(
      () => {
        this.reportHealth();
        if (this.link) this.scheduleHealth();
      },
      every * (0.5 + this.opts.rng.next()),
    );
  }

  private reportHealth(): void {
    const slot = this.slots[0];
    if (!this.link || !slot.synced) return;
    const base = this.uptimeBase;
    const uptime = base ? base.hours + Math.floor((this.now() - base.at) / 3_600_000) : undefined;
    const report = healthReport(slot.reported, this.opts.rng, uptime);
    if (!report) return;
    this.report(slot, report, []);
    if (this.opts.stats) this.opts.stats.healthReports++;
  }

  /** Sends a report and takes it as the agent's reported state; kept until answered, to be taken back if refused. */
  private report(slot: Slot, report: JsonObject, keys: string[]): void {
    const token = this.token();
    slot.outstanding.set(token, { report, before: slot.reported, keys });
    slot.reported = mergeState(slot.reported, report);
    this.send(slot, "update", { state: { reported: report }, clientToken: token });
  }
}

/**
 * A delta message holds every outstanding difference: a difference the agent still sees
 * but the message leaves out was settled (desired changed back, or removed), so desired
 * is taken to agree with reported there.
 */
function settled(desired: JsonObject, reported: JsonObject, delta: JsonObject): JsonObject {
  let out = desired;
  for (const { path } of leaves(shadowDelta(desired, reported) ?? {})) {
    if (getPath(delta, path) !== undefined) continue;
    const have = getPath(reported, path);
    const patch: JsonObject = {};
    setPath(patch, path, have === undefined ? null : have);
    out = mergeState(out, patch);
  }
  return out;
}

/** Identifies a report by the desired values it applied (not by lastError or derived values). */
function attemptOf(report: JsonObject, keys: string[]): string {
  return JSON.stringify(keys.map((k) => [k, getPath(report, k)]));
}

function versionOf(doc: JsonObject): number {
  return typeof doc.version === "number" ? doc.version : -1;
}
