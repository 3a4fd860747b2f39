import { notFound } from "../../server/errors";
import type { EmulatorCa } from "../../certs/ca";
import { arn, type IotDeps } from "./context";
import { SeqOrder, SortedNames } from "./sorted-names";

/**
 * The registry's working state: plain records in Maps, plus the secondary indexes the
 * list operations page through. Every change is written through to the store (one
 * document per record, kinds prefixed `iot.`), and the constructor rebuilds everything
 * from the store, so a restart on the same data directory finds the registry as it was.
 */

export type PrincipalType = "EXCLUSIVE_THING" | "NON_EXCLUSIVE_THING";

export interface ThingRecord {
  name: string;
  id: string;
  typeName?: string;
  attributes: Record<string, string>;
  version: number;
  billingGroupName?: string;
  /** Static thing groups the thing is a direct member of (≤ 10). */
  groups?: string[];
  principals?: Array<{ principal: string; type: PrincipalType }>;
  createdMs: number;
}

export interface ThingTypeRecord {
  name: string;
  id: string;
  description?: string;
  searchableAttributes?: string[];
  mqtt5Configuration?: unknown;
  deprecated: boolean;
  deprecationMs?: number;
  createdMs: number;
  tags?: unknown[];
}

export interface ThingGroupRecord {
  name: string;
  id: string;
  parentName?: string;
  description?: string;
  attributes: Record<string, string>;
  version: number;
  createdMs: number;
  tags?: unknown[];
  /**
   * Dynamic thing groups (services/iot/dynamic-groups.ts): the fleet-index query that
   * defines the members, never a parent or children; members are computed from the index
   * (groupMembers holds them for listing), not stored on the thing.
   */
  dynamic?: { queryString: string; indexName: string; queryVersion: string; status: string };
}

/** A billing group: flat (no hierarchy); a thing is in at most one (ThingRecord.billingGroupName). */
export interface BillingGroupRecord {
  name: string;
  id: string;
  description?: string;
  version: number;
  createdMs: number;
  tags?: unknown[];
}

export type CertificateStatus = "ACTIVE" | "INACTIVE" | "REVOKED" | "PENDING_TRANSFER" | "REGISTER_INACTIVE" | "PENDING_ACTIVATION";

export interface CertificateRecord {
  id: string;
  pem: string;
  status: CertificateStatus;
  mode: "DEFAULT" | "SNI_ONLY";
  caCertificateId?: string;
  createdMs: number;
  modifiedMs: number;
  customerVersion: number;
  generationId: string;
  notBeforeMs: number;
  notAfterMs: number;
  seq: number;
}

export interface PolicyVersionRecord {
  id: string;
  document: string;
  createdMs: number;
}

export interface PolicyRecord {
  name: string;
  versions: PolicyVersionRecord[];
  defaultVersionId: string;
  nextVersionId: number;
  createdMs: number;
  modifiedMs: number;
  generationId: string;
  seq: number;
  /** Principals and thing groups (by ARN, or Cognito identity id) the policy is attached to. */
  targets: string[];
}

const KIND = {
  thing: "iot.thing",
  type: "iot.thingType",
  group: "iot.thingGroup",
  billing: "iot.billingGroup",
  cert: "iot.certificate",
  policy: "iot.policy",
} as const;

/** The store kinds of the registry (the service lists them for versions and the region move). */
export const REGISTRY_KINDS: readonly string[] = Object.values(KIND);

export type ThingListener = (name: string, thing: ThingRecord | undefined) => void;

export class IotState {
  readonly things = new Map<string, ThingRecord>();
  readonly thingNames = new SortedNames((n) => this.things.has(n));
  readonly thingsByType = new Map<string, SortedNames>();
  /** attribute name → value → thing name(s); a lone thing is kept as a bare string. */
  readonly thingsByAttr = new Map<string, Map<string, string | Set<string>>>();

  readonly types = new Map<string, ThingTypeRecord>();
  readonly typeNames = new SortedNames((n) => this.types.has(n));

  readonly groups = new Map<string, ThingGroupRecord>();
  readonly groupNames = new SortedNames((n) => this.groups.has(n));
  readonly children = new Map<string, Set<string>>();
  readonly groupMembers = new Map<string, SortedNames>();

  readonly billingGroups = new Map<string, BillingGroupRecord>();
  readonly billingGroupNames = new SortedNames((n) => this.billingGroups.has(n));
  readonly billingMembers = new Map<string, SortedNames>();

  readonly certs = new Map<string, CertificateRecord>();
  readonly certOrder = new SeqOrder<CertificateRecord>((c) => this.certs.get(c.id) === c);

  readonly policies = new Map<string, PolicyRecord>();
  readonly policyOrder = new SeqOrder<PolicyRecord>((p) => this.policies.get(p.name) === p);
  readonly policiesByTarget = new Map<string, Set<string>>();

  /** principal → names of the things it is attached to. */
  readonly principalThings = new Map<string, Set<string>>();

  /** Told about every thing created, changed or deleted (fleet indexing, dynamic groups). */
  readonly thingListeners = new Set<ThingListener>();

  /**
   * Told when a thing may have joined or left a thing group (static or dynamic), or was
   * deleted: the Jobs engine's CONTINUOUS jobs follow their target groups through it.
   */
  readonly membershipListeners = new Set<(thingName: string) => void>();

  /** The dynamic thing groups a thing is in (set by fleet indexing; membership is computed, not stored). */
  dynamicGroupsOf: (thingName: string) => string[] = () => [];

  private seq = 0;

  constructor(readonly deps: IotDeps) {
    const { store } = deps;
    for (const [, t] of store.load<ThingTypeRecord>(KIND.type)) this.types.set(t.name, t);
    this.typeNames.addAll(this.types.keys());
    for (const [, g] of store.load<ThingGroupRecord>(KIND.group)) this.groups.set(g.name, g);
    this.groupNames.addAll(this.groups.keys());
    for (const g of this.groups.values()) if (g.parentName) this.childSet(g.parentName).add(g.name);
    for (const [, b] of store.load<BillingGroupRecord>(KIND.billing)) this.billingGroups.set(b.name, b);
    this.billingGroupNames.addAll(this.billingGroups.keys());
    for (const [, t] of store.load<ThingRecord>(KIND.thing)) {
      this.things.set(t.name, t);
      this.indexThing(t, true);
    }
    this.thingNames.addAll(this.things.keys());
    for (const [, c] of store.load<CertificateRecord>(KIND.cert)) {
      this.certs.set(c.id, c);
      this.seq = Math.max(this.seq, c.seq);
    }
    for (const c of [...this.certs.values()].sort((a, b) => a.seq - b.seq)) this.certOrder.add(c);
    for (const [, p] of store.load<PolicyRecord>(KIND.policy)) {
      this.policies.set(p.name, p);
      this.seq = Math.max(this.seq, p.seq);
      for (const t of p.targets) this.targetSet(t).add(p.name);
    }
    for (const p of [...this.policies.values()].sort((a, b) => a.seq - b.seq)) this.policyOrder.add(p);
  }

  // ---- identifiers -------------------------------------------------------------------

  nextSeq(): number {
    return ++this.seq;
  }

  thingArn = (name: string) => arn(this.deps.config, `thing/${name}`);
  typeArn = (name: string) => arn(this.deps.config, `thingtype/${name}`);
  groupArn = (name: string) => arn(this.deps.config, `thinggroup/${name}`);
  billingGroupArn = (name: string) => arn(this.deps.config, `billinggroup/${name}`);
  certArn = (id: string) => arn(this.deps.config, `cert/${id}`);
  policyArn = (name: string) => arn(this.deps.config, `policy/${name}`);

  /** The certificate id of a certificate ARN of this account and region, if it is one. */
  certIdFromArn(value: string): string | undefined {
    const prefix = arn(this.deps.config, "cert/");
    return value.startsWith(prefix) ? value.slice(prefix.length) : undefined;
  }

  groupNameFromArn(value: string): string | undefined {
    const prefix = arn(this.deps.config, "thinggroup/");
    return value.startsWith(prefix) ? value.slice(prefix.length) : undefined;
  }

  billingGroupNameFromArn(value: string): string | undefined {
    const prefix = arn(this.deps.config, "billinggroup/");
    return value.startsWith(prefix) ? value.slice(prefix.length) : undefined;
  }

  thingNameFromArn(value: string): string | undefined {
    const prefix = arn(this.deps.config, "thing/");
    return value.startsWith(prefix) ? value.slice(prefix.length) : undefined;
  }

  /** The emulator CA (the account's, shared by every region), created (or loaded) on first use. */
  certificateAuthority(): Promise<EmulatorCa> {
    return this.deps.ca();
  }

  // ---- lookups that throw the AWS error ------------------------------------------------

  requireThing(name: string): ThingRecord {
    const t = this.things.get(name);
    if (!t) throw notFound(`Thing ${name} cannot be found.`);
    return t;
  }

  requireGroup(name: string): ThingGroupRecord {
    const g = this.groups.get(name);
    if (!g) throw notFound(`Thing Group ${name} does not exist`);
    return g;
  }

  requireBillingGroup(name: string): BillingGroupRecord {
    const b = this.billingGroups.get(name);
    if (!b) throw notFound(`Billing Group ${name} does not exist`);
    return b;
  }

  requireCert(id: string): CertificateRecord {
    const c = this.certs.get(id);
    if (!c) throw notFound(`The certificate given in the request does not exist (id: ${id})`);
    return c;
  }

  requirePolicy(name: string): PolicyRecord {
    const p = this.policies.get(name);
    if (!p) throw notFound(`Policy not found (name: ${name})`);
    return p;
  }

  // ---- things --------------------------------------------------------------------------

  /** Stores a new or changed thing and keeps every index in step with it. */
  putThing(next: ThingRecord, prev?: ThingRecord): void {
    if (prev) this.unindexThing(prev);
    const isNew = !this.things.has(next.name);
    this.things.set(next.name, next);
    this.indexThing(next, false);
    if (isNew) this.thingNames.add(next.name);
    this.deps.store.put(KIND.thing, next.name, next);
    for (const l of this.thingListeners) l(next.name, next);
  }

  removeThing(t: ThingRecord): void {
    this.unindexThing(t);
    this.things.delete(t.name);
    this.thingNames.delete(t.name);
    for (const g of t.groups ?? []) this.groupMembers.get(g)?.delete(t.name);
    if (t.billingGroupName) this.billingMembers.get(t.billingGroupName)?.delete(t.name);
    this.deps.store.delete(KIND.thing, t.name);
    for (const l of this.thingListeners) l(t.name, undefined);
    this.membershipChanged(t.name);
  }

  membershipChanged(thingName: string): void {
    for (const l of this.membershipListeners) l(thingName);
  }

  /** Writes a thing whose group or principal lists changed (indexes on those are kept by the caller). */
  saveThing(t: ThingRecord): void {
    this.deps.store.put(KIND.thing, t.name, t);
    for (const l of this.thingListeners) l(t.name, t);
  }

  typeIndex(typeName: string): SortedNames {
    let s = this.thingsByType.get(typeName);
    if (!s) {
      s = new SortedNames((n) => this.things.get(n)?.typeName === typeName);
      this.thingsByType.set(typeName, s);
    }
    return s;
  }

  membersOf(groupName: string): SortedNames {
    let s = this.groupMembers.get(groupName);
    if (!s) {
      s = new SortedNames((n) => this.things.get(n)?.groups?.includes(groupName) ?? false);
      this.groupMembers.set(groupName, s);
    }
    return s;
  }

  billingMembersOf(billingGroupName: string): SortedNames {
    let s = this.billingMembers.get(billingGroupName);
    if (!s) {
      s = new SortedNames((n) => this.things.get(n)?.billingGroupName === billingGroupName);
      this.billingMembers.set(billingGroupName, s);
    }
    return s;
  }

  /** Moves a thing into a billing group (or out of any, with undefined) and writes it. */
  setBillingGroup(t: ThingRecord, billingGroupName: string | undefined): void {
    const prev = t.billingGroupName;
    if (prev === billingGroupName) return;
    if (billingGroupName) t.billingGroupName = billingGroupName;
    else delete t.billingGroupName;
    if (prev) this.billingMembers.get(prev)?.delete(t.name);
    if (billingGroupName) this.billingMembersOf(billingGroupName).add(t.name);
    this.saveThing(t);
  }

  private indexThing(t: ThingRecord, loading: boolean): void {
    if (t.typeName) this.typeIndex(t.typeName).add(t.name);
    for (const [k, v] of Object.entries(t.attributes)) {
      let byValue = this.thingsByAttr.get(k);
      if (!byValue) this.thingsByAttr.set(k, (byValue = new Map()));
      const cur = byValue.get(v);
      if (cur === undefined) byValue.set(v, t.name);
      else if (typeof cur === "string") byValue.set(v, new Set([cur, t.name]));
      else cur.add(t.name);
    }
    for (const p of t.principals ?? []) this.principalSet(p.principal).add(t.name);
    if (loading) for (const g of t.groups ?? []) this.membersOf(g).add(t.name);
    if (t.billingGroupName) this.billingMembersOf(t.billingGroupName).add(t.name);
  }

  private unindexThing(t: ThingRecord): void {
    if (t.typeName) this.thingsByType.get(t.typeName)?.delete(t.name);
    for (const [k, v] of Object.entries(t.attributes)) {
      const byValue = this.thingsByAttr.get(k);
      const cur = byValue?.get(v);
      if (!byValue || cur === undefined) continue;
      if (typeof cur === "string" || (cur.delete(t.name) && cur.size === 0)) byValue.delete(v);
      else if (cur.size === 1) byValue.set(v, cur.values().next().value as string);
      if (byValue.size === 0) this.thingsByAttr.delete(k);
    }
    for (const p of t.principals ?? []) {
      const s = this.principalThings.get(p.principal);
      s?.delete(t.name);
      if (s && s.size === 0) this.principalThings.delete(p.principal);
    }
  }

  principalSet(principal: string): Set<string> {
    let s = this.principalThings.get(principal);
    if (!s) this.principalThings.set(principal, (s = new Set()));
    return s;
  }

  // ---- thing types, groups, certificates, policies ---------------------------------------

  putType(t: ThingTypeRecord): void {
    if (!this.types.has(t.name)) this.typeNames.add(t.name);
    this.types.set(t.name, t);
    this.deps.store.put(KIND.type, t.name, t);
  }

  removeType(t: ThingTypeRecord): void {
    this.types.delete(t.name);
    this.typeNames.delete(t.name);
    this.thingsByType.delete(t.name);
    this.deps.store.delete(KIND.type, t.name);
  }

  putGroup(g: ThingGroupRecord): void {
    if (!this.groups.has(g.name)) {
      this.groupNames.add(g.name);
      if (g.parentName) this.childSet(g.parentName).add(g.name);
    }
    this.groups.set(g.name, g);
    this.deps.store.put(KIND.group, g.name, g);
  }

  removeGroup(g: ThingGroupRecord): void {
    this.groups.delete(g.name);
    this.groupNames.delete(g.name);
    this.groupMembers.delete(g.name);
    this.children.delete(g.name);
    if (g.parentName) this.children.get(g.parentName)?.delete(g.name);
    this.deps.store.delete(KIND.group, g.name);
  }

  childSet(parent: string): Set<string> {
    let s = this.children.get(parent);
    if (!s) this.children.set(parent, (s = new Set()));
    return s;
  }

  /** The chain of ancestors of a group, root first (excluding the group itself). */
  ancestors(g: ThingGroupRecord): ThingGroupRecord[] {
    const chain: ThingGroupRecord[] = [];
    let cur = g.parentName ? this.groups.get(g.parentName) : undefined;
    while (cur) {
      chain.unshift(cur);
      cur = cur.parentName ? this.groups.get(cur.parentName) : undefined;
    }
    return chain;
  }

  rootOf(g: ThingGroupRecord): string {
    return this.ancestors(g)[0]?.name ?? g.name;
  }

  /** The group and all its descendants, depth first. */
  subtree(name: string): string[] {
    const out: string[] = [];
    const stack = [name];
    while (stack.length) {
      const n = stack.pop()!;
      out.push(n);
      for (const c of this.children.get(n) ?? []) stack.push(c);
    }
    return out;
  }

  putBillingGroup(b: BillingGroupRecord): void {
    if (!this.billingGroups.has(b.name)) this.billingGroupNames.add(b.name);
    this.billingGroups.set(b.name, b);
    this.deps.store.put(KIND.billing, b.name, b);
  }

  removeBillingGroup(b: BillingGroupRecord): void {
    this.billingGroups.delete(b.name);
    this.billingGroupNames.delete(b.name);
    this.billingMembers.delete(b.name);
    this.deps.store.delete(KIND.billing, b.name);
  }

  putCert(c: CertificateRecord): void {
    if (!this.certs.has(c.id)) this.certOrder.add(c);
    this.certs.set(c.id, c);
    this.deps.store.put(KIND.cert, c.id, c);
  }

  removeCert(c: CertificateRecord): void {
    this.certs.delete(c.id);
    this.certOrder.delete(c);
    this.deps.store.delete(KIND.cert, c.id);
  }

  putPolicy(p: PolicyRecord): void {
    if (!this.policies.has(p.name)) this.policyOrder.add(p);
    this.policies.set(p.name, p);
    this.deps.store.put(KIND.policy, p.name, p);
  }

  removePolicy(p: PolicyRecord): void {
    this.policies.delete(p.name);
    this.policyOrder.delete(p);
    this.deps.store.delete(KIND.policy, p.name);
  }

  targetSet(target: string): Set<string> {
    let s = this.policiesByTarget.get(target);
    if (!s) this.policiesByTarget.set(target, (s = new Set()));
    return s;
  }

  attachPolicy(p: PolicyRecord, target: string): void {
    if (p.targets.includes(target)) return;
    p.targets.push(target);
    this.targetSet(target).add(p.name);
    this.putPolicy(p);
  }

  detachPolicy(p: PolicyRecord, target: string): void {
    const i = p.targets.indexOf(target);
    if (i < 0) return;
    p.targets.splice(i, 1);
    const s = this.policiesByTarget.get(target);
    s?.delete(p.name);
    if (s && s.size === 0) this.policiesByTarget.delete(target);
    this.putPolicy(p);
  }

  /** Detaches every policy from a target that is going away (certificate, thing group). */
  detachAllPolicies(target: string): void {
    for (const name of [...(this.policiesByTarget.get(target) ?? [])]) {
      const p = this.policies.get(name);
      if (p) this.detachPolicy(p, target);
    }
  }
}
