import mqtt, { type MqttClient } from "mqtt";
import type { Rng } from "./rng";
import type { RateLimiter } from "./rate-limiter";
import { mqttLink, type AgentShadows } from "./agent-shadow";
import type { AgentJobs } from "./agent-jobs";

export type AgentState = "waiting" | "connecting" | "online" | "churned" | "restarting" | "backoff" | "never" | "stopped";

export interface AgentContext {
  mqttUrl: string;
  keepaliveSeconds: number;
  limiter: RateLimiter;
  /** How long a flaky agent stays up, then how long it stays away (ms, uniform). */
  onlineMs: readonly [number, number];
  offlineMs: () => number;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * One simulated endpoint agent: a single MQTT connection with client id = thing name,
 * clean session. A flaky agent drops off now and then (half the time with a clean
 * DISCONNECT, half with a dead socket) and comes back later. Any other loss of the
 * connection is retried with exponential backoff and jitter, like a real agent.
 */
export class Agent {
  state: AgentState = "waiting";
  private client?: MqttClient;
  private timer?: NodeJS.Timeout;
  private failures = 0;

  constructor(
    readonly thingName: string,
    readonly flaky: boolean,
    private ctx: AgentContext,
    private rng: Rng,
    /** The agent's shadow protocol (agent-shadow.ts), if it keeps shadows. */
    private shadows?: AgentShadows,
    /** The agent's side of the Jobs protocol (agent-jobs.ts), if it runs jobs. */
    private jobs?: AgentJobs,
  ) {
    jobs?.bind({ restart: (ms) => this.restart(ms) });
  }

  async start(): Promise<void> {
    await this.ctx.limiter.take();
    this.connect();
  }

  private connect(): void {
    if (this.state === "stopped") return;
    this.state = "connecting";
    const client = mqtt.connect(this.ctx.mqttUrl, {
      clientId: this.thingName,
      keepalive: this.ctx.keepaliveSeconds,
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: 0, // reconnects are ours: backoff with jitter, paced by the limiter
      connectTimeout: 15_000,
    });
    this.client = client;
    client.on("connect", () => {
      this.failures = 0;
      this.state = "online";
      if (client === this.client) {
        this.shadows?.attach(mqttLink(client));
        this.jobs?.attach(mqttLink(client));
      }
      if (this.flaky) this.later(this.uniform(this.ctx.onlineMs), () => this.dropOff());
    });
    client.on("error", () => undefined); // a close follows; handled there
    client.on("close", () => {
      // Closes of connections we gave up on ourselves are not failures.
      if (client !== this.client) return;
      this.client = undefined;
      this.shadows?.detach();
      this.jobs?.detach();
      client.end(true);
      if (this.state === "stopped") return;
      this.state = "backoff";
      const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.failures++) * (0.5 + this.rng.next());
      this.later(delay, () => void this.start());
    });
  }

  private dropOff(): void {
    const client = this.client;
    if (!client || this.state !== "online") return;
    this.client = undefined;
    this.shadows?.detach();
    this.jobs?.detach();
    this.state = "churned";
    if (this.rng.chance(0.5)) client.end();
    else {
      client.stream.destroy();
      client.end(true);
    }
    this.later(this.ctx.offlineMs(), () => void this.start());
  }

  /** A job restarts the agent (after an update) or reboots its machine: a clean DISCONNECT, back after `ms`. */
  restart(ms: number): void {
    if (this.state === "stopped") return;
    const client = this.client;
    this.client = undefined;
    this.shadows?.detach();
    this.jobs?.detach();
    this.state = "restarting";
    client?.end();
    this.later(ms, () => void this.start());
  }

  /** Graceful: a clean DISCONNECT, as an agent being shut down would send. */
  async stop(): Promise<void> {
    this.state = "stopped";
    clearTimeout(this.timer);
    this.shadows?.detach();
    this.jobs?.detach();
    this.jobs?.forget();
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (!client.connected) {
      client.end(true);
      return;
    }
    await Promise.race([client.endAsync(), new Promise((r) => setTimeout(r, 2000))]);
  }

  markNever(): void {
    this.state = "never";
  }

  private later(ms: number, fn: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(fn, ms);
  }

  private uniform([min, max]: readonly [number, number]): number {
    return min + this.rng.next() * (max - min);
  }
}
