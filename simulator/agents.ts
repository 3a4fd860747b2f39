import { Agent, type AgentState } from "./agent";
import { canConnect, planFleet } from "./plan";
import type { SeededThing } from "./marker";
import { RateLimiter } from "./rate-limiter";
import { Rng } from "./rng";
import { AgentShadows, newShadowStats, type ShadowSettings, type ShadowStats } from "./agent-shadow";
import { agentBehaviour } from "./shadow-apply";
import { agentShadowPlan } from "./agent-state";
import { AgentJobs, newJobStats, type JobStats } from "./agent-jobs";
import type { AgentFacts, JobSettings, JsonObject } from "./agent-jobs-ops";
import type { ThingPlan } from "./plan";

export interface AgentsOptions {
  mqttUrl: string;
  /** The fleet to run: the things seeded (DATA_DIR/simulator-things.json), else the plan for (seed, fleetSize). */
  seed: number;
  fleetSize: number;
  things?: SeededThing[];
  /** Share (percent) of agents that drop off and come back now and then. */
  churnPercent: number;
  /** New connections per second, initial and reconnects alike. */
  connectRate?: number;
  keepaliveSeconds?: number;
  /** Flaky agents' up time (ms, uniform). Default 20 s .. 5 min. */
  onlineMs?: readonly [number, number];
  /** Flaky agents' down time (ms, uniform). Default mostly seconds, sometimes up to 2 min. */
  offlineMs?: readonly [number, number];
  /** How agents treat their shadows; omitted, they leave shadows alone. */
  shadows?: ShadowSettings;
  /** How agents fare with jobs (docs/agent-jobs.md); omitted, they take no jobs. */
  jobs?: JobSettings;
  /** One status line this often (ms); 0 = never. */
  statusEveryMs?: number;
  log?: (line: string) => void;
}

export interface AgentsStatus {
  total: number;
  connected: number;
  counts: Record<AgentState, number>;
  /** Shadow reports sent so far (when agents keep shadows). */
  shadows?: ShadowStats;
  /** Job executions so far (when agents take jobs). */
  jobs?: JobStats;
}

export interface RunningAgents {
  status(): AgentsStatus;
  /** Resolves once every agent that should connect has connected once (or after timeoutMs). */
  allUp(timeoutMs?: number): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * Runs one MQTT connection per thing. About 3% never connect (agents switched off, and
 * things whose certificate is inactive, revoked or expired); churnPercent% are flaky.
 */
export function runAgents(opts: AgentsOptions): RunningAgents {
  const log = opts.log ?? ((line: string) => console.log(`[simulator] ${line}`));
  const planned = () => planFleet(opts.seed, opts.fleetSize).things.map((t) => ({ name: t.name, index: t.index, connects: canConnect(t) }));
  const things = (opts.things ?? planned()).slice(0, opts.fleetSize);
  const limiter = new RateLimiter(opts.connectRate ?? 200);
  const offlineMs = opts.offlineMs;
  const shadowStats = opts.shadows ? newShadowStats() : undefined;
  const shadowsFor = shadowFactory(opts, things, shadowStats);
  const jobStats = opts.jobs ? newJobStats() : undefined;
  const jobsFor = jobsFactory(opts, things, jobStats);
  const agents = things.map((t) => {
    const rng = Rng.for(opts.seed, "agent", t.index);
    const flaky = rng.chance(opts.churnPercent / 100);
    const shadows = shadowsFor(t);
    return new Agent(
      t.name,
      flaky,
      {
        mqttUrl: opts.mqttUrl,
        keepaliveSeconds: opts.keepaliveSeconds ?? 60,
        limiter,
        onlineMs: opts.onlineMs ?? [20_000, 300_000],
        offlineMs: () =>
          offlineMs ? offlineMs[0] + rng.next() * (offlineMs[1] - offlineMs[0]) : rng.chance(0.7) ? 3_000 + rng.next() * 17_000 : 20_000 + rng.next() * 100_000,
      },
      rng,
      shadows,
      jobsFor(t, shadows),
    );
  });
  const meant = new Set<Agent>();
  agents.forEach((a, i) => {
    if (things[i].connects) {
      meant.add(a);
      void a.start();
    } else a.markNever();
  });

  const status = (): AgentsStatus => {
    const counts: Record<AgentState, number> = { waiting: 0, connecting: 0, online: 0, churned: 0, restarting: 0, backoff: 0, never: 0, stopped: 0 };
    for (const a of agents) counts[a.state]++;
    return {
      total: agents.length,
      connected: counts.online,
      counts,
      ...(shadowStats ? { shadows: { ...shadowStats } } : {}),
      ...(jobStats ? { jobs: { ...jobStats } } : {}),
    };
  };
  const line = () => {
    const s = status();
    const c = s.counts;
    log(
      `agents: ${s.connected}/${s.total} connected; offline: ${c.never} by design, ${c.churned} flaky, ${c.restarting} restarting, ` +
        `${c.backoff + c.connecting + c.waiting} (re)connecting` +
        (s.shadows ? `; shadow reports: ${s.shadows.applied} applied, ${s.shadows.failed} errors, ${s.shadows.healthReports} health` : "") +
        (s.jobs ? `; jobs: ${s.jobs.succeeded} succeeded, ${s.jobs.failed} failed, ${s.jobs.rejected} rejected, ${s.jobs.abandoned} abandoned` : ""),
    );
  };
  const statusEvery = opts.statusEveryMs ?? 30_000;
  const ticker = statusEvery > 0 ? setInterval(line, statusEvery) : undefined;
  log(`starting ${meant.size} agents (${agents.length - meant.size} stay offline, ${agents.filter((a) => a.flaky).length} flaky)`);

  return {
    status,
    async allUp(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      const upOnce = new Set<Agent>();
      while (Date.now() < deadline) {
        for (const a of meant) if (a.state === "online" || a.state === "churned") upOnce.add(a);
        if (upOnce.size === meant.size) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    },
    async stop() {
      clearInterval(ticker);
      await Promise.all(agents.map((a) => a.stop()));
      log("agents stopped");
    },
  };
}

/**
 * The shadow side of each agent: its behaviour (deterministic per thing), whether it keeps
 * the named `config` shadow and the state it reports should its shadow be missing (both
 * from the fleet plan, when the seeded thing is still the planned one).
 */
function shadowFactory(opts: AgentsOptions, things: SeededThing[], stats?: ShadowStats): (t: SeededThing) => AgentShadows | undefined {
  const settings = opts.shadows;
  if (!settings) return () => undefined;
  const size = things.reduce((m, t) => Math.max(m, t.index + 1), 0);
  const planned = planFleet(opts.seed, size).things;
  return (t) => {
    const thing = planned[t.index]?.name === t.name ? planned[t.index] : undefined;
    const plan = thing ? agentShadowPlan(opts.seed, thing) : undefined;
    return new AgentShadows(t.name, {
      behaviour: agentBehaviour(opts.seed, t.index, settings),
      settings,
      rng: Rng.for(opts.seed, "shadow-timing", t.index),
      initial: plan ? { classic: plan.reported, config: plan.config?.reported } : undefined,
      config: plan?.config !== undefined,
      stats,
    });
  };
}

/**
 * The jobs side of each agent. What it runs (version, blocklist) is what its shadow
 * reports, with the agent's own changes over it; without shadows (or before the first
 * sync) what the fleet plan says it was installed with.
 */
function jobsFactory(opts: AgentsOptions, things: SeededThing[], stats?: JobStats): (t: SeededThing, shadows?: AgentShadows) => AgentJobs | undefined {
  const settings = opts.jobs;
  if (!settings) return () => undefined;
  const size = things.reduce((m, t) => Math.max(m, t.index + 1), 0);
  const planned = planFleet(opts.seed, size).things;
  return (t, shadows) => {
    const thing = planned[t.index]?.name === t.name ? planned[t.index] : undefined;
    return new AgentJobs(t.name, {
      settings,
      facts: agentFacts(opts.seed, thing, shadows),
      rngFor: (jobId, executionNumber) => Rng.for(opts.seed, "job", t.index, jobId, executionNumber),
      stats,
    });
  };
}

function agentFacts(seed: number, thing: ThingPlan | undefined, shadows?: AgentShadows): AgentFacts {
  const plan = thing ? agentShadowPlan(seed, thing).reported : {};
  let own: JsonObject = {};
  const actual = (): JsonObject => {
    const known = shadows?.actual() ?? own;
    return {
      agent: { ...(plan.agent as JsonObject), ...(known.agent as JsonObject) },
      blocklist: { ...(plan.blocklist as JsonObject), ...(known.blocklist as JsonObject) },
    };
  };
  return {
    agentVersion: () => {
      const v = (actual().agent as JsonObject).version;
      return typeof v === "string" ? v : undefined;
    },
    blocklistVersion: () => {
      const v = (actual().blocklist as JsonObject).version;
      return typeof v === "number" ? v : undefined;
    },
    report(patch) {
      if (shadows) shadows.reportLocal(patch);
      else own = { ...own, ...patch };
    },
    ready: shadows ? () => shadows.whenSynced() : undefined,
  };
}
