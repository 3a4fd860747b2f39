import { randomUUID } from "node:crypto";
import type { Router } from "../../server/router";
import { AwsError, invalid } from "../../server/errors";
import { clearBit, ensureWords, forEachBit, hasBit, setBit, type Bits } from "../../index/bitset";
import { compileQuery, type Compiled } from "../../index/evaluate";
import { thingFieldRule, type FleetIndex, type FleetIndexListener } from "../../index/fleet-index";
import type { IotState, ThingGroupRecord } from "./state";
import { SortedNames } from "./sorted-names";
import { MAX_GROUPS_PER_THING, MAX_GROUP_ATTRIBUTES, withGroupProperties } from "./thing-groups";
import { applyAttributePayload, bodyOf, checkAttributes, checkName, optionalBoolean, optionalInteger, optionalString, sameAttributes } from "./validation";
import type { FleetIndexing } from "./indexing";

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
  ) {
    index.listen(this);
    state.dynamicGroupsOf = (thingName) => this.groupsOf(thingName);
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
    for (const g of this.groups) {
      const bits = this.index.enabled ? this.index.search(g.query) : new Uint32Array(words);
      forEachBit(bits, (doc) => {
        if (used[doc] < MAX_GROUPS_PER_THING) used[doc]++;
        else clearBit(bits, doc);
      });
      g.members = bits;
      const names = new SortedNames((n) => this.isMember(g.name, n));
      const list: string[] = [];
      forEachBit(bits, (doc) => list.push(this.index.thingNameOf(doc)!));
      names.addAll(list);
      this.state.groupMembers.set(g.name, names);
    }
  }

  // ---- FleetIndexListener -------------------------------------------------------------------

  docChanged(doc: number, thingName: string): void {
    if (this.groups.length === 0) return;
    let used = this.state.things.get(thingName)?.groups?.length ?? 0;
    for (const g of this.groups) {
      const member = used < MAX_GROUPS_PER_THING && this.index.matches(g.query, doc);
      if (member) used++;
      const was = hasBit(g.members, doc);
      if (member && !was) {
        g.members = ensureWords(g.members, (doc >>> 5) + 1);
        setBit(g.members, doc);
        this.state.membersOf(g.name).add(thingName);
      } else if (!member && was) {
        clearBit(g.members, doc);
        this.state.membersOf(g.name).delete(thingName);
      }
    }
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

// ---- routes ---------------------------------------------------------------------------------------

function validation(value: unknown, member: string, constraint: string): AwsError {
  const shown = value === null || value === undefined ? "null" : typeof value === "string" ? value : JSON.stringify(value);
  return invalid(`1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: ${constraint}`);
}

function checkIndexName(value: unknown): string {
  if (value === undefined || value === null) return "AWS_Things";
  if (value !== "AWS_Things") throw invalid(`Dynamic thing groups can only use the AWS_Things index (got ${JSON.stringify(value)})`);
  return value;
}

function checkQueryVersion(value: unknown): string {
  if (value === undefined || value === null) return DYNAMIC_QUERY_VERSION;
  if (value !== DYNAMIC_QUERY_VERSION) throw invalid(`Unsupported queryVersion ${JSON.stringify(value)}: the only query version is ${DYNAMIC_QUERY_VERSION}`);
  return value;
}

const dynamicOnly = (state: IotState, name: string) => invalid(`This operation does not support static thing groups. Thing group arn: ${state.groupArn(name)}`);

/** CreateDynamicThingGroup, UpdateDynamicThingGroup, DeleteDynamicThingGroup (DescribeThingGroup serves both kinds). */
export function registerDynamicGroupRoutes(router: Router, state: IotState, fi: FleetIndexing): void {
  const dyn = fi.dynamicGroups;

  router.add("CreateDynamicThingGroup", "POST", "/dynamic-thing-groups/{thingGroupName}", (ctx) => {
    const name = checkName(ctx.params.thingGroupName, "thingGroupName");
    const body = bodyOf(ctx);
    if (body.queryString === undefined || body.queryString === null) throw validation(null, "queryString", "Member must not be null");
    if (typeof body.queryString !== "string" || body.queryString.length < 1) throw validation(body.queryString, "queryString", "Member must have length greater than or equal to 1");
    const queryString = body.queryString;
    const indexName = checkIndexName(body.indexName);
    const queryVersion = checkQueryVersion(body.queryVersion);
    const props = (body.thingGroupProperties ?? {}) as Record<string, unknown>;
    const description = optionalString(props.thingGroupDescription, "thingGroupProperties.thingGroupDescription", 2028);
    const payload = (props.attributePayload ?? {}) as Record<string, unknown>;
    const attributes = applyAttributePayload({}, checkAttributes(payload.attributes, "thingGroupProperties.attributePayload.attributes"), false);
    if (Object.keys(attributes).length > MAX_GROUP_ATTRIBUTES) throw invalid(`A thing group can have at most ${MAX_GROUP_ATTRIBUTES} attributes`);
    if (!fi.thingIndexOn) {
      throw new AwsError("ResourceNotFoundException", "Index AWS_Things does not exist: dynamic thing groups need fleet indexing; turn it on with UpdateIndexingConfiguration");
    }
    const query = compileQuery(queryString, thingFieldRule);

    const existing = state.groups.get(name);
    if (existing) {
      const same = existing.dynamic?.queryString === queryString && existing.description === description && sameAttributes(existing.attributes, attributes);
      if (same) return { body: created(state, existing) };
      throw new AwsError("ResourceAlreadyExistsException", `Thing Group ${name} already exists in current account with different properties`, undefined, {
        resourceId: existing.id,
        resourceArn: state.groupArn(name),
      });
    }
    if (dyn.count() >= MAX_DYNAMIC_GROUPS) throw new AwsError("LimitExceededException", `An account can have at most ${MAX_DYNAMIC_GROUPS} dynamic thing groups`);

    const group: ThingGroupRecord = {
      name,
      id: randomUUID(),
      attributes,
      version: 1,
      createdMs: Date.now(),
      dynamic: { queryString, indexName, queryVersion, status: "BUILDING" },
    };
    if (description !== undefined) group.description = description;
    if (Array.isArray(body.tags)) group.tags = body.tags;
    state.putGroup(group);
    dyn.add(group, query);
    return { body: created(state, group) };
  });

  router.add("UpdateDynamicThingGroup", "PATCH", "/dynamic-thing-groups/{thingGroupName}", (ctx) => {
    const name = checkName(ctx.params.thingGroupName, "thingGroupName");
    const body = bodyOf(ctx);
    const props = body.thingGroupProperties as Record<string, unknown> | undefined;
    if (props === undefined || props === null) throw validation(null, "thingGroupProperties", "Member must not be null");
    if (typeof props !== "object") throw invalid("thingGroupProperties must be an object");
    const expectedVersion = optionalInteger(body.expectedVersion, "expectedVersion");
    const g = state.requireGroup(name);
    if (!g.dynamic) throw dynamicOnly(state, name);
    if (expectedVersion !== undefined && expectedVersion !== g.version) {
      throw new AwsError("VersionConflictException", `The version for thing group ${name} does not match the expected version.`);
    }
    const indexName = body.indexName === undefined ? g.dynamic.indexName : checkIndexName(body.indexName);
    const queryVersion = body.queryVersion === undefined ? g.dynamic.queryVersion : checkQueryVersion(body.queryVersion);
    let query: Compiled | undefined;
    let queryString = g.dynamic.queryString;
    if (body.queryString !== undefined && body.queryString !== null) {
      if (typeof body.queryString !== "string" || body.queryString.length < 1) throw validation(body.queryString, "queryString", "Member must have length greater than or equal to 1");
      query = compileQuery(body.queryString, thingFieldRule);
      queryString = body.queryString;
    }
    const next = withGroupProperties(g, props);
    const queryChanged = query !== undefined && queryString !== g.dynamic.queryString;
    next.dynamic = { queryString, indexName, queryVersion, status: queryChanged ? "REBUILDING" : g.dynamic.status };
    state.putGroup(next);
    if (queryChanged) dyn.replaceQuery(next, query!);
    return { body: { version: next.version } };
  });

  router.add("DeleteDynamicThingGroup", "DELETE", "/dynamic-thing-groups/{thingGroupName}", (ctx) => {
    const name = checkName(ctx.params.thingGroupName, "thingGroupName");
    const expectedVersion = optionalInteger(ctx.query.get("expectedVersion"), "expectedVersion");
    const g = state.groups.get(name);
    // DeleteDynamicThingGroup models no ResourceNotFoundException: deleting a missing group succeeds.
    if (!g) return { body: {} };
    if (!g.dynamic) throw dynamicOnly(state, name);
    if (expectedVersion !== undefined && expectedVersion !== g.version) {
      throw new AwsError("VersionConflictException", `The version for thing group ${name} does not match the expected version.`);
    }
    dyn.remove(name);
    state.removeGroup(g);
    return { body: {} };
  });
}

function created(state: IotState, g: ThingGroupRecord) {
  return {
    thingGroupName: g.name,
    thingGroupArn: state.groupArn(g.name),
    thingGroupId: g.id,
    indexName: g.dynamic!.indexName,
    queryString: g.dynamic!.queryString,
    queryVersion: g.dynamic!.queryVersion,
  };
}
