import type { ThingPlan } from "./plan";
import { Rng } from "./rng";

/**
 * What an endpoint agent reports in its shadows and what the fleet's operators want of
 * it: the shape of the simulated fleet's device state. The classic shadow holds the
 * agent, OS, protection policy, blocklist and health; some agents also keep a named
 * `config` shadow. Desired state is the fleet-wide policy, and a share of agents lags
 * behind it, so the fleet always shows some drift.
 */

export const CONFIG_SHADOW = "config";

/** The blocklist version operators have pushed most recently. */
export const CURRENT_BLOCKLIST_VERSION = 1_042;

/** How many entries a blocklist version holds (agents report it with the version). */
export function blocklistEntries(version: number): number {
  return 15_000 + version * 3;
}

export interface AgentShadowPlan {
  reported: Record<string, unknown>;
  desired: Record<string, unknown>;
  /** The named `config` shadow, for the agents that use one. */
  config?: { reported: Record<string, unknown>; desired: Record<string, unknown> };
}

export function agentShadowPlan(seed: number, t: ThingPlan): AgentShadowPlan {
  const rng = Rng.for(seed, "shadow", t.index);
  const lagging = rng.chance(0.12);
  const blocklistVersion = lagging ? CURRENT_BLOCKLIST_VERSION - rng.int(1, 6) : CURRENT_BLOCKLIST_VERSION;
  const mode =
    t.type === "gateway"
      ? "detect"
      : rng.weighted([
          ["prevent", 85],
          ["detect", 15],
        ] as const);
  const degraded = rng.chance(0.04);
  const reported = {
    agent: { version: t.attributes.agentVersion, build: rng.int(1000, 9999) },
    os: { name: t.attributes.os, uptimeHours: rng.int(1, 2_000) },
    policy: {
      mode,
      cloudLookup: !rng.chance(0.05),
      scanIntervalMinutes: rng.weighted([
        [60, 80],
        [240, 15],
        [15, 5],
      ] as const),
    },
    blocklist: { version: blocklistVersion, entries: blocklistEntries(blocklistVersion) },
    health: { status: degraded ? "degraded" : "healthy", cpuPercent: Math.round(rng.next() * 400) / 10, memoryMb: rng.int(90, 420) },
    tags: rng.chance(0.3) ? ["pci", "critical"] : ["standard"],
  };
  // Operators set prevent mode everywhere but on gateways; a few agents were switched to
  // detect on purpose and have not been switched back (pending desired state).
  const desired = { blocklist: { version: CURRENT_BLOCKLIST_VERSION }, policy: { mode: t.type === "gateway" ? "detect" : "prevent" } };
  const plan: AgentShadowPlan = { reported, desired };
  if (rng.chance(0.25)) {
    const logLevel = rng.weighted([
      ["info", 85],
      ["debug", 10],
      ["warn", 5],
    ] as const);
    plan.config = {
      reported: {
        logLevel,
        telemetryIntervalSeconds: rng.weighted([
          [300, 80],
          [60, 20],
        ] as const),
      },
      desired: { logLevel: rng.chance(0.9) ? logLevel : "info" },
    };
  }
  return plan;
}
