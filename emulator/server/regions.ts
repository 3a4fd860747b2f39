import type { EmulatorConfig } from "../config";
import type { Store } from "../store/store";
import type { AccountResources, EmulatorService, ServiceRegion } from "../service";
import { AwsError } from "./errors";
import { EmulatorClock } from "../clock";

/**
 * The emulator's state per (account, region): each region gets its own instance of every
 * service, built from the store view `${account}/${region}/`. Regions with stored state
 * are built at start, the configured (home) region always, any other on its first
 * request. The count is bounded, so a client looping over made-up regions cannot make the
 * emulator build state without end.
 */
export const MAX_REGIONS = 16;

/** The region names of AWS's partitions (botocore's partition regex), e.g. us-east-1, cn-north-1, us-gov-west-1. */
const REGION = /^(?:us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso|us-isob|us-isof|eu-isoe)-[a-z]+-\d{1,2}$/;

export function isRegionName(region: string): boolean {
  return REGION.test(region);
}

/** A client's string in an error message: at most 64 characters of it. */
function quoted(s: string): string {
  return s.length > 64 ? `${s.slice(0, 64)}…` : s;
}

export interface Region {
  account: string;
  region: string;
  config: EmulatorConfig;
  /** service name → its instance in this region. */
  services: Map<string, ServiceRegion>;
}

/** Where one (account, region) keeps its records in the store: every kind is prefixed with it. */
export function regionStorePrefix(account: string, region: string): string {
  return `${account}/${region}/`;
}

export class Regions {
  private readonly regions = new Map<string, Region>();
  private readonly ordered: EmulatorService[];

  constructor(
    private readonly store: Store,
    services: EmulatorService[],
    private readonly base: EmulatorConfig,
    private readonly shared: AccountResources,
    private readonly limit = MAX_REGIONS,
    readonly clock: EmulatorClock = new EmulatorClock(),
  ) {
    this.ordered = buildOrder(services);
    // A kind is one service's: two owners (or one listing it twice) would share documents.
    const owner = new Map<string, string>();
    for (const s of services) {
      for (const { kind } of s.kinds) {
        const other = owner.get(kind);
        if (other !== undefined) throw new Error(`store kind ${kind} is declared by ${other === s.name ? `${s.name} twice` : `${other} and ${s.name}`}`);
        owner.set(kind, s.name);
      }
    }
  }

  private prefix(region: string): string {
    return regionStorePrefix(this.base.accountId, region);
  }

  /**
   * Start-up: moves today's unprefixed kinds into the home region (once; moveKind is
   * idempotent), then builds the home region and every region that has stored state.
   */
  start(): Region {
    const home = this.base.region;
    for (const s of this.ordered) for (const k of s.kinds) this.store.moveKind(k.kind, this.prefix(home) + k.kind);
    const stored = new Set<string>();
    const ours = new RegExp(`^${this.base.accountId}/([^/]+)/`);
    for (const kind of this.store.kinds()) {
      const m = ours.exec(kind);
      if (m && isRegionName(m[1])) stored.add(m[1]);
    }
    const region = this.build(home);
    for (const r of [...stored].sort()) if (!this.regions.has(r)) this.build(r);
    return region;
  }

  get home(): Region {
    return this.get(this.base.region);
  }

  /** The region's state, built on first use; throws the AWS error for a region that is not one. */
  get(region: string): Region {
    const known = this.regions.get(region);
    if (known) return known;
    if (!isRegionName(region)) {
      throw new AwsError("InvalidSignatureException", `Credential should be scoped to a valid region, not '${quoted(region)}'.`, 403);
    }
    if (this.regions.size >= this.limit) {
      throw new AwsError(
        "InvalidSignatureException",
        `Credential should be scoped to a valid region: the emulator keeps state for at most ${this.limit} regions (${[...this.regions.keys()].join(", ")}), and '${quoted(region)}' is not one of them.`,
        403,
      );
    }
    return this.build(region);
  }

  list(): Region[] {
    return [...this.regions.values()];
  }

  /** After the servers listen: the ports every region's configuration reports (DescribeEndpoint). */
  setPorts(ports: { httpPort?: number; mqttPort?: number }): void {
    Object.assign(this.base, ports);
    for (const r of this.regions.values()) Object.assign(r.config, ports);
  }

  private build(region: string): Region {
    const store = this.store.view(this.prefix(region));
    const config: EmulatorConfig = { ...this.base, region };
    const services = new Map<string, ServiceRegion>();
    for (const s of this.ordered) {
      for (const k of s.kinds) store.defineKind(k);
      const instance = s.createRegion({
        account: this.base.accountId,
        region,
        home: this.base.region,
        config,
        store,
        shared: this.shared,
        clock: this.clock,
        use: <T extends ServiceRegion>(name: string) => {
          if (!s.uses?.includes(name)) throw new Error(`service ${s.name} does not declare that it uses ${name}`);
          return services.get(name) as T;
        },
      });
      services.set(s.name, instance);
    }
    const r: Region = { account: this.base.accountId, region, config, services };
    this.regions.set(region, r);
    return r;
  }
}

/** Services ordered so each comes after those it uses. */
function buildOrder(services: EmulatorService[]): EmulatorService[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const out: EmulatorService[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (s: EmulatorService) => {
    if (state.get(s.name) === "done") return;
    if (state.get(s.name) === "visiting") throw new Error(`services use each other in a cycle through ${s.name}`);
    state.set(s.name, "visiting");
    for (const u of s.uses ?? []) {
      const dep = byName.get(u);
      if (!dep) throw new Error(`service ${s.name} uses ${u}, which is not registered`);
      visit(dep);
    }
    state.set(s.name, "done");
    out.push(s);
  };
  services.forEach(visit);
  return out;
}
