import type { Router } from "../../server/router";
import { readEnv } from "../../../lib/env";
import { AwsError, invalid, notFound } from "../../server/errors";
import type { RecordStore } from "../../store/store";
import type { ConnectivityTracker } from "../../mqtt/connectivity";
import type { ShadowReader } from "../iotdata/shadow-types";
import type { IotState } from "./state";
import {
  aggregationFieldType,
  defaultIndexingConfig,
  GROUPS_INDEX,
  MAX_SEARCH_RESULTS,
  parseIndexingUpdate,
  sameThingConfig,
  sourcesOf,
  THING_GROUP_MANAGED_FIELDS,
  THINGS_INDEX,
  type FieldType,
  type IndexingConfig,
} from "../../index/config";
import { FleetIndex, thingFieldRule, type FleetSources } from "../../index/fleet-index";
import { compileQuery } from "../../index/evaluate";
import { nextSetBit, type Bits } from "../../index/bitset";
import type { ValueColumn } from "../../index/aggregate";
import { ThingGroupSnapshot, thingGroupFieldRule } from "../../index/thing-group-index";
import type { ThingDocument } from "../../index/documents";
import type { ThingGroupDocument } from "../../index/thing-group-index";
import { DynamicGroups } from "./dynamic-groups";
import { registerDynamicGroupRoutes } from "./dynamic-groups-routes";
import { registerIndexingRoutes } from "./indexing-routes";

/**
 * Fleet indexing on the `iot` control plane: UpdateIndexingConfiguration /
 * GetIndexingConfiguration, DescribeIndex, ListIndices, SearchIndex and the aggregation
 * queries (GetStatistics, GetCardinality, GetPercentiles, GetBucketsAggregation), plus
 * dynamic thing groups, which are defined by an index query.
 *
 * The index itself (emulator/index) is always current: registry, shadow and connectivity
 * changes are applied synchronously as they happen. BUILDING (after indexing is first
 * turned on: queries answer IndexNotReadyException) and REBUILDING (after a
 * configuration change: queries work) are reported for a short while as AWS does, then
 * ACTIVE. A fresh emulator starts with indexing OFF, like a new AWS account.
 */

export const CONFIG_KIND = "iot.indexingConfiguration";

export interface FleetIndexingDeps {
  router: Router;
  registry: IotState;
  store: RecordStore;
  connectivity: ConnectivityTracker;
  /** The shadow service (absent: shadows are never indexed). */
  shadows?: ShadowReader;
  /** How long BUILDING / REBUILDING are reported (default EMULATOR_INDEX_SETTLE_MS or 500 ms). */
  settleMs?: number;
}

type IndexStatus = "ACTIVE" | "BUILDING" | "REBUILDING";

interface Transition {
  kind: "BUILDING" | "REBUILDING";
  readyAt: number;
}

export class FleetIndexing {
  config: IndexingConfig;
  readonly index: FleetIndex;
  readonly dynamicGroups: DynamicGroups;
  readonly settleMs: number;
  private thingTransition: Transition | null = null;
  private configGeneration = 0;
  private groupTransition: Transition | null = null;
  /** Results of recent searches, reused by the next pages while the index is unchanged. */
  private readonly pageCache = new Map<string, { version: number; bits: Bits }>();

  constructor(private readonly deps: FleetIndexingDeps) {
    const { registry, store, connectivity, shadows } = deps;
    this.settleMs = deps.settleMs ?? readEnv(["EMULATOR_INDEX_SETTLE_MS"]).EMULATOR_INDEX_SETTLE_MS;
    this.config = { ...defaultIndexingConfig(), ...(loadConfig(store) ?? {}) };
    const sources: FleetSources = {
      thing: (n) => registry.things.get(n),
      thingNames: () => registry.thingNames.view(),
      shadow: (t, s) => shadows?.get(t, s),
      connectivity: (id) => connectivity.get(id),
    };
    this.index = new FleetIndex(sources);
    this.dynamicGroups = new DynamicGroups(registry, this.index, this.settleMs, () => this.thingIndexOn);
    // The index is rebuilt from the registry, shadows and connectivity at start, so a restart
    // finds it as it was (and ACTIVE: the emulator's restart is not an AWS rebuild).
    this.index.configure(sourcesOf(this.config.thing));
    this.dynamicGroups.load();

    registry.thingListeners.add((name) => this.index.thingChanged(name));
    shadows?.onChange((c) => this.index.shadowChanged(c.thingName, c.shadowName));
    connectivity.on("change", (rec) => this.index.connectivityChanged(rec.clientId));
  }

  get thingIndexOn(): boolean {
    return this.config.thing.thingIndexingMode !== "OFF";
  }

  get groupIndexOn(): boolean {
    return this.config.thingGroup.thingGroupIndexingMode === "ON";
  }

  thingIndexStatus(): IndexStatus | null {
    return this.thingIndexOn ? statusOf(this.thingTransition) : null;
  }

  groupIndexStatus(): IndexStatus | null {
    return this.groupIndexOn ? statusOf(this.groupTransition) : null;
  }

  /** Applies UpdateIndexingConfiguration. */
  update(body: Record<string, unknown>): void {
    const next = parseIndexingUpdate(body, this.config);
    const prev = this.config;
    const dynamicCount = this.dynamicGroups.count();
    if (next.thing.thingIndexingMode === "OFF" && dynamicCount > 0) {
      throw invalid(`Thing indexing cannot be turned off while dynamic thing groups exist: delete the ${dynamicCount} dynamic thing group(s) first`);
    }
    const now = Date.now();
    if (!sameThingConfig(prev.thing, next.thing)) {
      const wasOn = prev.thing.thingIndexingMode !== "OFF";
      const transition: Transition | null = next.thing.thingIndexingMode === "OFF" ? null : { kind: wasOn ? "REBUILDING" : "BUILDING", readyAt: Infinity };
      this.thingTransition = transition;
      this.pageCache.clear();
      // The index is rebuilt right after this answer (a million things take a while, and AWS
      // answers at once too); the status stays BUILDING / REBUILDING until it is done, and
      // for at least `settleMs`.
      const generation = ++this.configGeneration;
      setImmediate(() => {
        if (generation !== this.configGeneration) return; // superseded by a later update
        this.index.configure(sourcesOf(this.config.thing));
        if (transition) transition.readyAt = Math.max(now + this.settleMs, Date.now());
      });
    }
    if (JSON.stringify(prev.thingGroup) !== JSON.stringify(next.thingGroup)) {
      const wasOn = prev.thingGroup.thingGroupIndexingMode === "ON";
      this.groupTransition =
        next.thingGroup.thingGroupIndexingMode === "OFF" ? null : { kind: wasOn ? "REBUILDING" : "BUILDING", readyAt: now + this.settleMs };
    }
    this.config = next;
    this.deps.store.put(CONFIG_KIND, "config", next);
  }

  // ---- queries (also used by the benchmark) ---------------------------------------------------

  /** The thing index for a query API: ResourceNotFoundException when off, IndexNotReadyException while building. */
  requireThingIndex(): FleetIndex {
    if (!this.thingIndexOn) throw notFound(`Index ${THINGS_INDEX} does not exist: turn thing indexing on with UpdateIndexingConfiguration`);
    if (this.thingIndexStatus() === "BUILDING") throw new AwsError("IndexNotReadyException", `Index ${THINGS_INDEX} is not ready: it is being built`);
    return this.index;
  }

  requireGroupIndex(): void {
    if (!this.groupIndexOn) throw notFound(`Index ${GROUPS_INDEX} does not exist: turn thing group indexing on with UpdateIndexingConfiguration`);
    if (this.groupIndexStatus() === "BUILDING") throw new AwsError("IndexNotReadyException", `Index ${GROUPS_INDEX} is not ready: it is being built`);
  }

  /** SearchIndex: things or thing groups, by index name. */
  search(input: {
    indexName: string;
    queryString: string;
    maxResults: number;
    nextToken?: string;
  }): { things: ThingDocument[]; nextToken?: string } | { thingGroups: ThingGroupDocument[]; nextToken?: string } {
    if (input.indexName === THINGS_INDEX) return this.searchThings(input.queryString, input.maxResults, input.nextToken);
    if (input.indexName === GROUPS_INDEX) return this.searchGroups(input.queryString, input.maxResults, input.nextToken);
    throw notFound(`Index ${input.indexName} does not exist`);
  }

  /** SearchIndex over AWS_Things: one page after the token's position. */
  searchThings(queryString: string, maxResults = MAX_SEARCH_RESULTS, nextToken?: string): { things: ThingDocument[]; nextToken?: string } {
    const index = this.requireThingIndex();
    const query = compileQuery(queryString, thingFieldRule);
    const hash = fingerprint(queryString);
    let after = -1;
    let bits: Bits | undefined;
    if (nextToken !== undefined) {
      const t = decodePageToken(nextToken);
      if (t.h !== hash || t.g !== index.generation || typeof t.a !== "number")
        throw invalid("The nextToken is invalid, expired, or was issued for another query");
      after = t.a;
      const cached = this.pageCache.get(queryString);
      if (cached && cached.version === index.version) bits = cached.bits;
    }
    if (!bits) {
      bits = index.search(query);
      const old = this.pageCache.get(queryString);
      if (old) {
        this.pageCache.delete(queryString);
        index.releaseBits(old.bits);
      }
      this.pageCache.set(queryString, { version: index.version, bits });
      if (this.pageCache.size > 16) {
        const [oldest, entry] = this.pageCache.entries().next().value!;
        this.pageCache.delete(oldest);
        index.releaseBits(entry.bits);
      }
    }
    const limit = Math.min(maxResults, MAX_SEARCH_RESULTS);
    const things: ThingDocument[] = [];
    let doc = nextSetBit(bits, after + 1);
    let last = after;
    while (doc >= 0 && things.length < limit) {
      const d = index.document(doc);
      if (d) things.push(d);
      last = doc;
      doc = nextSetBit(bits, doc + 1);
    }
    return doc >= 0 ? { things, nextToken: encodePageToken({ a: last, g: index.generation, h: hash }) } : { things };
  }

  /** SearchIndex over AWS_ThingGroups: paged by group name. */
  searchGroups(queryString: string, maxResults = MAX_SEARCH_RESULTS, nextToken?: string): { thingGroups: ThingGroupDocument[]; nextToken?: string } {
    this.requireGroupIndex();
    const query = compileQuery(queryString, thingGroupFieldRule);
    const hash = fingerprint(queryString);
    let after: string | undefined;
    if (nextToken !== undefined) {
      const t = decodePageToken(nextToken);
      if (t.h !== hash || typeof t.n !== "string") throw invalid("The nextToken is invalid, expired, or was issued for another query");
      after = t.n;
    }
    const snap = new ThingGroupSnapshot(this.deps.registry);
    const bits = snap.search(query);
    const limit = Math.min(maxResults, MAX_SEARCH_RESULTS);
    const thingGroups: ThingGroupDocument[] = [];
    let i = nextSetBit(bits, 0);
    while (i >= 0 && after !== undefined && snap.groups[i].name <= after) i = nextSetBit(bits, i + 1);
    while (i >= 0 && thingGroups.length < limit) {
      thingGroups.push(snap.document(i));
      i = nextSetBit(bits, i + 1);
    }
    const last = thingGroups[thingGroups.length - 1];
    return i >= 0 && last ? { thingGroups, nextToken: encodePageToken({ n: last.thingGroupName, h: hash }) } : { thingGroups };
  }

  /**
   * Runs an aggregation: the matching documents and a column of the aggregation field,
   * checked against the configuration (managed or custom field, with its type).
   */
  aggregate<T>(indexName: string, queryString: string, field: string, fn: (bits: Bits, column: ValueColumn | undefined, type: FieldType) => T): T {
    if (indexName === GROUPS_INDEX) {
      this.requireGroupIndex();
      const type = [...THING_GROUP_MANAGED_FIELDS, ...this.config.thingGroup.customFields].find((f) => f.name === field)?.type;
      if (!type) throw new AwsError("InvalidAggregationException", `${field} is not a managed or custom field of the ${GROUPS_INDEX} index`);
      const snap = new ThingGroupSnapshot(this.deps.registry);
      const column = field === "description" ? snap.column("thingGroupDescription") : snap.column(field);
      return fn(snap.search(compileQuery(queryString, thingGroupFieldRule)), column, type);
    }
    if (indexName !== THINGS_INDEX) throw notFound(`Index ${indexName} does not exist`);
    const index = this.requireThingIndex();
    const type = aggregationFieldType(this.config.thing, field);
    if (!type) {
      throw new AwsError(
        "InvalidAggregationException",
        `${field} is not a managed or custom field of the ${THINGS_INDEX} index: aggregate a managed field (e.g. registry.thingTypeName, connectivity.connected) or declare it in customFields with UpdateIndexingConfiguration`,
      );
    }
    const columnName = field === "registry.thingTypeName" ? "thingTypeName" : field === "registry.thingGroupNames" ? "thingGroupNames" : field;
    const query = compileQuery(queryString, thingFieldRule);
    const bits = index.search(query);
    try {
      return fn(bits, index.column(columnName), type);
    } finally {
      index.releaseBits(bits);
    }
  }
}

function statusOf(t: Transition | null): IndexStatus {
  return !t || Date.now() >= t.readyAt ? "ACTIVE" : t.kind;
}

function loadConfig(store: RecordStore): IndexingConfig | undefined {
  for (const [id, c] of store.load<IndexingConfig>(CONFIG_KIND)) if (id === "config") return c;
  return undefined;
}

/** A short hash binding a page token to its query. */
function fingerprint(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

interface PageToken {
  a?: number;
  n?: string;
  g?: number;
  h?: string;
}

function encodePageToken(t: PageToken): string {
  return Buffer.from(JSON.stringify(t), "utf8").toString("base64");
}

function decodePageToken(token: string): PageToken {
  try {
    const t = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as PageToken;
    if (t && typeof t === "object") return t;
  } catch {
    // fall through
  }
  throw invalid("The nextToken is invalid, expired, or was issued for another query");
}

/** Builds fleet indexing and dynamic thing groups and adds their routes to the `iot` router. */
export function registerFleetIndexing(deps: FleetIndexingDeps): FleetIndexing {
  const fi = new FleetIndexing(deps);
  registerIndexingRoutes(deps.router, fi);
  registerDynamicGroupRoutes(deps.router, deps.registry, fi);
  return fi;
}
