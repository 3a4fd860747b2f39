import { Rng } from "./rng";
import {
  AGENT_VERSIONS,
  CUSTOMERS,
  GATEWAY_AGENT_VERSIONS,
  OS,
  ROLE_WEIGHTS,
  SITE_LOCATIONS,
  SUBGROUPS,
  TYPE_BY_ROLE,
  type Customer,
  type Role,
  type ThingTypeName,
} from "./catalog";

export interface GroupPlan {
  name: string;
  parent?: string;
  description: string;
  attributes: Record<string, string>;
  /** 1 = customer. */
  depth: number;
}

export interface LeafGroup {
  name: string;
  customer: string;
  site: string;
  region: string;
  role: Role;
  weight: number;
}

export type CertStatus = "ACTIVE" | "INACTIVE" | "REVOKED";

export interface CertPlan {
  /** csr: AWS-signed from a device CSR; vendor: signed by the simulator's device CA. */
  kind: "csr" | "vendor";
  status: CertStatus;
  /** Vendor certificates only: how their validity sits relative to seeding time. */
  validity?: "normal" | "expiring-soon" | "expired";
  /** Vendor, normal: lifetime in years and how far into it the certificate is (0..1). */
  years?: number;
  elapsed?: number;
}

export interface ThingPlan {
  index: number;
  name: string;
  type: ThingTypeName;
  group: string;
  attributes: { os: string; agentVersion: string; region: string; customer: string; site: string };
  cert: CertPlan;
  /** Never connects (besides the things whose certificate is unusable). */
  offline: boolean;
}

export interface FleetPlan {
  groups: GroupPlan[];
  leaves: LeafGroup[];
  things: ThingPlan[];
}

/**
 * The fleet for a seed: the group tree depends on the seed only, thing i depends on the
 * seed and i only, so a larger FLEET_SIZE extends a fleet instead of reshuffling it.
 */
export function planFleet(seed: number, size: number): FleetPlan {
  const { groups, leaves, customerWeights } = planGroups(seed);
  const things: ThingPlan[] = [];
  const used = new Set<string>();
  for (let i = 0; i < size; i++) things.push(planThing(seed, i, leaves, customerWeights, used));
  return { groups, leaves, things };
}

function planGroups(seed: number) {
  const rng = Rng.for(seed, "groups");
  const customers = rng.shuffle(CUSTOMERS).slice(0, rng.int(6, Math.min(10, CUSTOMERS.length)));
  const groups: GroupPlan[] = [];
  const leaves: LeafGroup[] = [];
  const customerWeights: Array<readonly [Customer, number]> = [];
  customers.forEach((c, rank) => {
    // A few large accounts and a long tail, as in any vendor's customer base.
    const size = 1 / (rank + 1) ** 0.8;
    customerWeights.push([c, size]);
    const small = rank >= customers.length - 2;
    groups.push({
      name: c.name,
      description: `Customer ${c.displayName}`,
      attributes: { vertical: c.vertical, tier: rank < 2 ? "enterprise" : "business" },
      depth: 1,
    });
    const siteCount = small ? 2 : rng.int(2, 4);
    const locations = rng.shuffle(SITE_LOCATIONS).slice(0, siteCount);
    for (const [siteIndex, [code, region]] of locations.entries()) {
      const site = `${c.name}-${code}${rng.int(1, 3)}`;
      groups.push({
        name: site,
        parent: c.name,
        description: `${c.displayName} site ${code.toUpperCase()}`,
        attributes: { region, customer: c.name },
        depth: 2,
      });
      // Small customers' sites are often not split by role: the site itself is the leaf
      // (always so for the smallest customer's first site, so every fleet has one).
      const unsplit = rng.chance(0.5) || (rank === customers.length - 1 && siteIndex === 0);
      if (small && unsplit) {
        leaves.push({ name: site, customer: c.name, site, region, role: "mixed", weight: ROLE_WEIGHTS.mixed });
        continue;
      }
      const roles: Role[] = c.retail ? ["servers", "workstations", "pos"] : ["servers", "workstations"];
      for (const role of roles) {
        const roleGroup = `${site}-${role}`;
        groups.push({ name: roleGroup, parent: site, description: `${role} at ${site}`, attributes: { role, customer: c.name }, depth: 3 });
        const subs = SUBGROUPS[role];
        if (subs && rng.chance(0.2)) {
          for (const sub of subs) {
            const name = `${roleGroup}-${sub}`;
            groups.push({ name, parent: roleGroup, description: `${sub} ${role} at ${site}`, attributes: { role, zone: sub }, depth: 4 });
            leaves.push({ name, customer: c.name, site, region, role, weight: ROLE_WEIGHTS[role] / subs.length });
          }
        } else {
          leaves.push({ name: roleGroup, customer: c.name, site, region, role, weight: ROLE_WEIGHTS[role] });
        }
      }
    }
  });
  ensureFourthLevel(groups, leaves);
  return { groups, leaves, customerWeights };
}

/** Every fleet shows a 4th level somewhere, whatever the dice said. */
function ensureFourthLevel(groups: GroupPlan[], leaves: LeafGroup[]): void {
  if (groups.some((g) => g.depth === 4)) return;
  const i = leaves.findIndex((l) => l.role === "servers");
  const leaf = leaves[i];
  const subs = SUBGROUPS.servers!;
  const replacement = subs.map((sub) => {
    groups.push({
      name: `${leaf.name}-${sub}`,
      parent: leaf.name,
      description: `${sub} servers at ${leaf.site}`,
      attributes: { role: "servers", zone: sub },
      depth: 4,
    });
    return { ...leaf, name: `${leaf.name}-${sub}`, weight: leaf.weight / subs.length };
  });
  leaves.splice(i, 1, ...replacement);
}

function planThing(seed: number, index: number, leaves: LeafGroup[], customers: Array<readonly [Customer, number]>, used: Set<string>): ThingPlan {
  const rng = Rng.for(seed, "thing", index);
  const customer = rng.weighted(customers);
  const own = leaves.filter((l) => l.customer === customer.name);
  const leaf = rng.weighted(own.map((l) => [l, l.weight] as const));
  const type = rng.weighted(TYPE_BY_ROLE[leaf.role]);
  const os = rng.weighted(osTable(type, leaf.role, rng));
  const agentVersion = rng.weighted(type === "gateway" ? GATEWAY_AGENT_VERSIONS : AGENT_VERSIONS);

  let name: string;
  do name = type === "gateway" ? `gw-${leaf.site}-${rng.hex(4)}` : `agent-${customer.name}-${rng.hex(6)}`;
  while (used.has(name));
  used.add(name);

  return {
    index,
    name,
    type,
    group: leaf.name,
    attributes: { os, agentVersion, region: leaf.region, customer: customer.name, site: leaf.site },
    cert: planCert(rng),
    offline: rng.chance(0.012),
  };
}

function osTable(type: ThingTypeName, role: Role, rng: Rng) {
  switch (type) {
    case "linux-agent":
      return OS.linux;
    case "macos-agent":
      return OS.macos;
    case "gateway":
      return OS.gateway;
    case "windows-agent":
      if (role === "servers") return OS.windowsServer;
      if (role === "pos") return OS.windowsPos;
      if (role === "workstations") return OS.windowsDesktop;
      return rng.chance(0.5) ? OS.windowsServer : OS.windowsDesktop;
  }
}

function planCert(rng: Rng): CertPlan {
  const status = rng.weighted<CertStatus>([
    ["ACTIVE", 98.8],
    ["INACTIVE", 0.8],
    ["REVOKED", 0.4],
  ]);
  if (!rng.chance(0.2)) return { kind: "csr", status };
  const validity = rng.weighted([
    ["normal", 91],
    ["expiring-soon", 6],
    ["expired", 3],
  ] as const);
  return { kind: "vendor", status, validity, years: rng.int(1, 3), elapsed: rng.next() };
}

/** Whether a thing's agent can connect at all (AWS refuses inactive, revoked and expired certificates). */
export function canConnect(t: ThingPlan): boolean {
  return !t.offline && t.cert.status === "ACTIVE" && t.cert.validity !== "expired";
}
