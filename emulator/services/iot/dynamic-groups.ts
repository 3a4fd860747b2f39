import { randomUUID } from "node:crypto";
import { AwsError, invalid } from "../../server/errors";
import { clearBit, ensureWords, forEachBit, hasBit, setBit, type Bits } from "../../index/bitset";
import { compileQuery, type Compiled } from "../../index/evaluate";
import { thingFieldRule, type FleetIndex, type FleetIndexListener } from "../../index/fleet-index";
import type { IotState, ThingGroupRecord } from "./state";
import { SortedNames } from "./sorted-names";
import { MAX_GROUPS_PER_THING, withGroupProperties } from "./thing-groups";
import { sameAttributes } from "./validation";

/**
 * Dynamic thing groups (developer guide "Dynamic thing groups"): a thing group whose
 * members are the things matching a fleet-index query. Membership follows every change
 * the index sees (registry, shadow, connectivity) at once, and is listed wherever a
 * static group's is (ListThingsInThingGroup, ListThingGroupsForThing).
 *
 * Rules kept: fleet indexing must be on (and cannot be turned off while dynamic groups
 * exist); no parent, no children, no policies; at most 100 per account; only the
 * AWS_Things index and query version 2017-09-30. A thing belongs to at most 10 groups,
 * static and dynamic together: when a thing matches more dynamic groups than it has room
 * for, older dynamic groups win, and a static group added with `overrideDynamicGroups`
 * evicts it from the newest dynamic group. Membership is not stored: it is computed from
 * the index at start.
 */

export const MAX_DYNAMIC_GROUPS = 100;
export const DYNAMIC_QUERY_VERSION = "2017-09-30";

interface Membership {
  name: string;
  query: Compiled;
  members: Bits;
}

export class DynamicGroups implements FleetIndexListener {
  /** Dynamic groups, oldest first (the order in which they claim a thing's free group slots). */
  private groups: Membership[] = [];
  private byName = new Map<string, Membership>();

  constructor(
    private readonly state: IotState,
    private readonly index: FleetIndex,
    private readonly settleMs: number,
    /** Whether thing indexing is on (dynamic groups need it). */
    private readonly indexOn: () => boolean = () => true,
  ) {
    index.listen(this);
    state.dynamicGroupsOf = (thingName) => this.groupsOf(thingName);
  }

  /** Whether the thing index is on, which dynamic groups need. */
  indexReady(): boolean {
    return this.indexOn();
  }

  count(): number {
    return this.groups.length;
  }

  /** Reads the dynamic groups of the registry (start) and computes their members. */
  load(): void {
    const records = [...this.state.groups.values()].filter((g) => g.dynamic).sort((a, b) => a.createdMs - b.createdMs || (a.name < b.name ? -1 : 1));
    for (const g of records) {
      let query: Compiled;
      try {
        query = compileQuery(g.dynamic!.queryString, thingFieldRule);
      } catch (err) {
        console.error(`[emulator] dynamic thing group ${g.name}: its query no longer compiles`, err);
        continue;
      }
      this.attach(g.name, query);
      if (g.dynamic!.status !== "ACTIVE") this.state.putGroup({ ...g, dynamic: { ...g.dynamic!, status: "ACTIVE" } });
    }
    this.recomputeAll();
  }

  groupsOf(thingName: string): string[] {
    const doc = this.index.docOfThing(thingName);
    if (doc === undefined) return [];
    return this.groups.filter((g) => hasBit(g.members, doc)).map((g) => g.name);
  }

  isMember(groupName: string, thingName: string): boolean {
    const g = this.byName.get(groupName);
    const doc = this.index.docOfThing(thingName);
    return g !== undefined && doc !== undefined && hasBit(g.members, doc);
  }

  /** A new dynamic group (already stored as a thing group): its members now, ACTIVE shortly. */
  add(record: ThingGroupRecord, query: Compiled): void {
    this.attach(record.name, query);
    this.recomputeAll();
    this.settle(record.name);
  }

  /** A changed query: members recomputed, REBUILDING shortly, then ACTIVE. */
  replaceQuery(record: ThingGroupRecord, query: Compiled): void {
    this.byName.get(record.name)!.query = query;
    this.recomputeAll();
    this.settle(record.name);
  }

  remove(name: string): void {
    const g = this.byName.get(name);
    if (!g) return;
    this.byName.delete(name);
    this.groups = this.groups.filter((x) => x !== g);
    this.state.groupMembers.delete(name);
    // Things it held may now have room in newer dynamic groups.
    this.recomputeAll();
  }

  private attach(name: string, query: Compiled): void {
    const g: Membership = { name, query, members: new Uint32Array(0) };
    this.groups.push(g);
    this.byName.set(name, g);
  }

  /** BUILDING / REBUILDING are reported for a moment, as AWS back-fills; then ACTIVE. */
  private settle(name: string): void {
    setTimeout(() => {
      const g = this.state.groups.get(name);
      if (g?.dynamic && g.dynamic.status !== "ACTIVE") this.state.putGroup({ ...g, dynamic: { ...g.dynamic, status: "ACTIVE" } });
    }, this.settleMs).unref();
  }

  /** Every group's members from the index, oldest group first, within each thing's free slots. */
  recomputeAll(): void {
    if (this.groups.length === 0) return;
    const words = this.index.words();
    const used = new Uint8Array(words * 32);
    forEachBit(this.index.live(), (doc) => {
      const name = this.index.thingNameOf(doc);
      used[doc] = (name && this.state.things.get(name)?.groups?.length) || 0;
    });
    const moved = new Set<string>();
    for (const g of this.groups) {
      const bits = this.index.enabled ? this.index.search(g.query) : new Uint32Array(words);
      forEachBit(bits, (doc) => {
        if (used[doc] < MAX_GROUPS_PER_THING) used[doc]++;
        else clearBit(bits, doc);
      });
      if (this.state.membershipListeners.size > 0) this.diff(g.members, bits, moved);
      g.members = bits;
      const names = new SortedNames((n) => this.isMember(g.name, n));
      const list: string[] = [];
      forEachBit(bits, (doc) => list.push(this.index.thingNameOf(doc)!));
      names.addAll(list);
      this.state.groupMembers.set(g.name, names);
    }
    for (const name of moved) this.state.membershipChanged(name);
  }

  /** Things whose membership differs between two member sets (for membership listeners). */
  private diff(before: Bits, after: Bits, into: Set<string>): void {
    const words = Math.max(before.length, after.length);
    for (let w = 0; w < words; w++) {
      let x = ((before[w] ?? 0) ^ (after[w] ?? 0)) >>> 0;
      while (x !== 0) {
        const bit = 31 - Math.clz32(x & -x);
        x = (x & (x - 1)) >>> 0;
        const name = this.index.thingNameOf(w * 32 + bit);
        if (name) into.add(name);
      }
    }
  }

  // ---- FleetIndexListener -------------------------------------------------------------------

  docChanged(doc: number, thingName: string): void {
    if (this.groups.length === 0) return;
    let moved = false;
    let used = this.state.things.get(thingName)?.groups?.length ?? 0;
    for (const g of this.groups) {
      const member = used < MAX_GROUPS_PER_THING && this.index.matches(g.query, doc);
      if (member) used++;
      const was = hasBit(g.members, doc);
      if (member && !was) {
        g.members = ensureWords(g.members, (doc >>> 5) + 1);
        setBit(g.members, doc);
        this.state.membersOf(g.name).add(thingName);
        moved = true;
      } else if (!member && was) {
        clearBit(g.members, doc);
        this.state.membersOf(g.name).delete(thingName);
        moved = true;
      }
    }
    if (moved) this.state.membershipChanged(thingName);
  }

  docRemoved(doc: number, thingName: string): void {
    for (const g of this.groups) {
      if (!hasBit(g.members, doc)) continue;
      clearBit(g.members, doc);
      this.state.membersOf(g.name).delete(thingName);
    }
  }

  rebuilt(): void {
    this.recomputeAll();
  }
}

// ---- the operations' rules (dynamic-groups-routes.ts parses the requests) -----------------

export interface CreateDynamicGroupInput {
  name: string;
  queryString: string;
  indexName: string;
  queryVersion: string;
  description?: string;
  attributes: Record<string, string>;
  tags?: unknown[];
}

export interface UpdateDynamicGroupInput {
  name: string;
  /** thingGroupProperties as sent (applied by withGroupProperties). */
  properties: Record<string, unknown>;
  expectedVersion?: number;
  indexName?: string;
  queryVersion?: string;
  queryString?: string;
}

const dynamicOnly = (state: IotState, name: string) => invalid(`This operation does not support static thing groups. Thing group arn: ${state.groupArn(name)}`);

export interface CreatedDynamicGroup {
  thingGroupName: string;
  thingGroupArn: string;
  thingGroupId: string;
  indexName: string;
  queryString: string;
  queryVersion: string;
}

/** CreateDynamicThingGroup: idempotent for the same definition; ResourceAlreadyExistsException otherwise. */
export function createDynamicGroup(state: IotState, dyn: DynamicGroups, input: CreateDynamicGroupInput): CreatedDynamicGroup {
  if (!dyn.indexReady()) {
    throw new AwsError(
      "ResourceNotFoundException",
      "Index AWS_Things does not exist: dynamic thing groups need fleet indexing; turn it on with UpdateIndexingConfiguration",
    );
  }
  const query = compileQuery(input.queryString, thingFieldRule);
  const { name } = input;
  const existing = state.groups.get(name);
  if (existing) {
    const same =
      existing.dynamic?.queryString === input.queryString &&
      existing.description === input.description &&
      sameAttributes(existing.attributes, input.attributes);
    if (same) return created(state, existing);
    throw new AwsError("ResourceAlreadyExistsException", `Thing Group ${name} already exists in current account with different properties`, undefined, {
      resourceId: existing.id,
      resourceArn: state.groupArn(name),
    });
  }
  if (dyn.count() >= MAX_DYNAMIC_GROUPS) throw new AwsError("LimitExceededException", `An account can have at most ${MAX_DYNAMIC_GROUPS} dynamic thing groups`);
  const group: ThingGroupRecord = {
    name,
    id: randomUUID(),
    attributes: input.attributes,
    version: 1,
    createdMs: Date.now(),
    dynamic: { queryString: input.queryString, indexName: input.indexName, queryVersion: input.queryVersion, status: "BUILDING" },
  };
  if (input.description !== undefined) group.description = input.description;
  if (input.tags) group.tags = input.tags;
  state.putGroup(group);
  dyn.add(group, query);
  return created(state, group);
}

/** UpdateDynamicThingGroup: returns the new version. */
export function updateDynamicGroup(state: IotState, dyn: DynamicGroups, input: UpdateDynamicGroupInput): number {
  const { name } = input;
  const g = state.requireGroup(name);
  if (!g.dynamic) throw dynamicOnly(state, name);
  if (input.expectedVersion !== undefined && input.expectedVersion !== g.version) {
    throw new AwsError("VersionConflictException", `The version for thing group ${name} does not match the expected version.`);
  }
  const query = input.queryString !== undefined ? compileQuery(input.queryString, thingFieldRule) : undefined;
  const queryString = input.queryString ?? g.dynamic.queryString;
  const next = withGroupProperties(g, input.properties);
  const queryChanged = query !== undefined && queryString !== g.dynamic.queryString;
  next.dynamic = {
    queryString,
    indexName: input.indexName ?? g.dynamic.indexName,
    queryVersion: input.queryVersion ?? g.dynamic.queryVersion,
    status: queryChanged ? "REBUILDING" : g.dynamic.status,
  };
  state.putGroup(next);
  if (queryChanged) dyn.replaceQuery(next, query!);
  return next.version;
}

/** DeleteDynamicThingGroup models no ResourceNotFoundException: deleting a missing group succeeds. */
export function deleteDynamicGroup(state: IotState, dyn: DynamicGroups, name: string, expectedVersion?: number): void {
  const g = state.groups.get(name);
  if (!g) return;
  if (!g.dynamic) throw dynamicOnly(state, name);
  if (expectedVersion !== undefined && expectedVersion !== g.version) {
    throw new AwsError("VersionConflictException", `The version for thing group ${name} does not match the expected version.`);
  }
  dyn.remove(name);
  state.removeGroup(g);
}

function created(state: IotState, g: ThingGroupRecord): CreatedDynamicGroup {
  return {
    thingGroupName: g.name,
    thingGroupArn: state.groupArn(g.name),
    thingGroupId: g.id,
    indexName: g.dynamic!.indexName,
    queryString: g.dynamic!.queryString,
    queryVersion: g.dynamic!.queryVersion,
  };
}
