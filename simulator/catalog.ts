/**
 * The made-up but realistic world of the simulated fleet: a security vendor's endpoint
 * agents at a handful of customers. Plain data; `plan.ts` turns it into things.
 */

export type ThingTypeName = "linux-agent" | "windows-agent" | "macos-agent" | "gateway";
export type Role = "servers" | "workstations" | "pos" | "mixed";

export const THING_TYPES: ReadonlyArray<{ name: ThingTypeName; description: string; searchableAttributes: string[] }> = [
  { name: "linux-agent", description: "Endpoint protection agent on Linux servers and workstations", searchableAttributes: ["customer", "os", "agentVersion"] },
  {
    name: "windows-agent",
    description: "Endpoint protection agent on Windows servers, desktops and POS terminals",
    searchableAttributes: ["customer", "os", "agentVersion"],
  },
  { name: "macos-agent", description: "Endpoint protection agent on macOS workstations", searchableAttributes: ["customer", "os", "agentVersion"] },
  {
    name: "gateway",
    description: "Site network gateway running the sensor agent (store and branch networks)",
    searchableAttributes: ["customer", "site", "agentVersion"],
  },
];

export interface Customer {
  name: string;
  displayName: string;
  vertical: string;
  /** Retail customers run point-of-sale terminals. */
  retail: boolean;
}

export const CUSTOMERS: readonly Customer[] = [
  { name: "acme", displayName: "Acme-Corporation", vertical: "manufacturing", retail: false },
  { name: "globex", displayName: "Globex", vertical: "energy", retail: false },
  { name: "initech", displayName: "Initech", vertical: "software", retail: false },
  { name: "umbrella", displayName: "Umbrella-Pharma", vertical: "pharma", retail: false },
  { name: "hooli", displayName: "Hooli", vertical: "technology", retail: false },
  { name: "vandelay", displayName: "Vandelay-Industries", vertical: "retail", retail: true },
  { name: "wonka", displayName: "Wonka-Stores", vertical: "retail", retail: true },
  { name: "soylent", displayName: "Soylent-Foods", vertical: "grocery", retail: true },
  { name: "tyrell", displayName: "Tyrell", vertical: "biotech", retail: false },
  { name: "wayne", displayName: "Wayne-Financial", vertical: "finance", retail: false },
];

/** Site code prefix -> AWS region the site's agents are homed in. */
export const SITE_LOCATIONS: ReadonlyArray<readonly [string, string]> = [
  ["fra", "eu-central-1"],
  ["dub", "eu-west-1"],
  ["lon", "eu-west-2"],
  ["par", "eu-west-3"],
  ["sto", "eu-north-1"],
  ["iad", "us-east-1"],
  ["nyc", "us-east-1"],
  ["ord", "us-east-2"],
  ["sfo", "us-west-1"],
  ["sea", "us-west-2"],
  ["yul", "ca-central-1"],
  ["gru", "sa-east-1"],
  ["sin", "ap-southeast-1"],
  ["syd", "ap-southeast-2"],
  ["tyo", "ap-northeast-1"],
  ["bom", "ap-south-1"],
];

/** Share of a site's devices per role. */
export const ROLE_WEIGHTS: Record<Role, number> = { servers: 30, workstations: 55, pos: 15, mixed: 100 };

/** 4th-level splits of a role group (only some sites have them). */
export const SUBGROUPS: Partial<Record<Role, readonly string[]>> = {
  servers: ["dmz", "core"],
  workstations: ["finance", "engineering"],
};

type Table<T> = ReadonlyArray<readonly [T, number]>;

export const TYPE_BY_ROLE: Record<Role, Table<ThingTypeName>> = {
  servers: [
    ["linux-agent", 66],
    ["windows-agent", 30],
    ["gateway", 4],
  ],
  workstations: [
    ["windows-agent", 70],
    ["macos-agent", 18],
    ["linux-agent", 12],
  ],
  pos: [
    ["windows-agent", 80],
    ["gateway", 20],
  ],
  mixed: [
    ["linux-agent", 45],
    ["windows-agent", 45],
    ["macos-agent", 5],
    ["gateway", 5],
  ],
};

export const OS = {
  linux: [
    ["ubuntu-22.04", 30],
    ["ubuntu-24.04", 20],
    ["ubuntu-20.04", 10],
    ["rhel-9.4", 12],
    ["rhel-8.10", 8],
    ["debian-12", 8],
    ["amazon-linux-2023", 7],
    ["amazon-linux-2", 5],
  ],
  windowsServer: [
    ["windows-server-2022", 50],
    ["windows-server-2019", 30],
    ["windows-server-2025", 12],
    ["windows-server-2016", 8],
  ],
  windowsDesktop: [
    ["windows-11-23h2", 35],
    ["windows-11-24h2", 25],
    ["windows-10-22h2", 40],
  ],
  windowsPos: [
    ["windows-10-iot-ltsc-2021", 70],
    ["windows-10-iot-ltsc-2019", 30],
  ],
  macos: [
    ["macos-15.1", 45],
    ["macos-14.7", 40],
    ["macos-13.7", 15],
  ],
  gateway: [
    ["openwrt-23.05", 50],
    ["yocto-4.0", 30],
    ["ubuntu-core-22", 20],
  ],
} satisfies Record<string, Table<string>>;

/** Most of the fleet is on the last two releases; a tail lags behind, a few run a release candidate. */
export const AGENT_VERSIONS: Table<string> = [
  ["7.2.1", 34],
  ["7.1.3", 28],
  ["7.2.0", 12],
  ["7.0.8", 10],
  ["6.9.12", 8],
  ["6.8.4", 4],
  ["7.3.0-rc1", 4],
];
/** Gateways are updated in maintenance windows and lag further. */
export const GATEWAY_AGENT_VERSIONS: Table<string> = [
  ["7.2.1", 10],
  ["7.1.3", 40],
  ["7.0.8", 30],
  ["6.9.12", 20],
];

export const POLICY_NAME = "fleet-agent-policy";
export const VENDOR = { organization: "Northwind-Security", unit: "Endpoint-Agents", caName: "Northwind Security Device CA G2" };
