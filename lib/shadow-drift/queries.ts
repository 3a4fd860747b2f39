import { formatQuery, parseQuery, type QueryNode } from "@/lib/fleet-query";
import { ANY_SHADOW, CLASSIC_SHADOW, type DriftThingFilter } from "./contract";

/**
 * The fleet queries and index fields behind the drift view, and the links that open them
 * in the search workbench or on a thing's page. Values are escaped with the query
 * grammar's own formatter, so a group or key name with odd characters stays one term.
 * Dependency-free apart from lib/fleet-query (also dependency-free).
 */

/** Aggregation fields (managed fields of the things index). */
export const TYPE_FIELD = "registry.thingTypeName";
export const GROUP_FIELD = "registry.thingGroupNames";

const span = { start: 0, end: 0 };
const term = (field: string, text: string): QueryNode => ({ kind: "term", field, value: { text, number: null, quoted: false }, span });
const exists = (field: string): QueryNode => ({ kind: "exists", field, span });
const or = (children: QueryNode[]): QueryNode => (children.length === 1 ? children[0]! : { kind: "or", children, span });
const and = (children: QueryNode[]): QueryNode => (children.length === 1 ? children[0]! : { kind: "and", children, span });

/** `shadow` for the classic shadow, `shadow.name.<n>` for a named one. */
export function shadowPrefix(shadow: string): string {
  return shadow === CLASSIC_SHADOW ? "shadow" : `shadow.name.${shadow}`;
}

/** The Boolean managed field that says whether a shadow has a delta. */
export function hasDeltaField(shadow: string): string {
  return `${shadowPrefix(shadow)}.hasDelta`;
}

/** The shadows a scope covers, among those indexed. */
export function scopeShadows(scope: string, indexed: readonly string[]): string[] {
  return scope === ANY_SHADOW ? [...indexed] : indexed.includes(scope) ? [scope] : [];
}

function driftedNode(shadows: readonly string[]): QueryNode {
  return or(shadows.map((s) => term(hasDeltaField(s), "true")));
}

function withShadowNode(shadows: readonly string[]): QueryNode {
  return or(shadows.map((s) => exists(hasDeltaField(s))));
}

/** Things with a delta in any of these shadows: `shadow.hasDelta:true OR shadow.name.config.hasDelta:true`. */
export function driftedQuery(shadows: readonly string[]): string {
  return formatQuery(driftedNode(shadows));
}

/** Things that have any of these shadows (the denominator of a drift share). */
export function withShadowQuery(shadows: readonly string[]): string {
  return formatQuery(withShadowNode(shadows));
}

/** The indexed delta field of a key: `shadow.delta.policy.mode`, `shadow.name.config.delta.logLevel`. */
export function deltaField(shadow: string, path: string): string {
  return `${shadowPrefix(shadow)}.delta.${path}`;
}

/**
 * The fleet query for a drill-down: drifted in scope, and of the type, in the group, with
 * the key pending (its delta field exists). Null when it would not be a valid query (too
 * many terms for AWS), so no link to a query that cannot run is offered.
 */
export function drillDownQuery(filter: DriftThingFilter, indexed: readonly string[]): string | null {
  const shadows = scopeShadows(filter.scope, indexed);
  if (shadows.length === 0) return null;
  const parts: QueryNode[] = [filter.key === null ? driftedNode(shadows) : or(shadows.map((s) => exists(deltaField(s, filter.key!))))];
  if (filter.type !== null) parts.push(term("thingTypeName", filter.type));
  if (filter.group !== null) parts.push(term("thingGroupNames", filter.group));
  const text = formatQuery(and(parts));
  return parseQuery(text).ok ? text : null;
}

/** The search workbench on a query, with columns that show the drift (its URL state: `q`, `cols`). */
export function searchHref(query: string, extraColumns: readonly string[] = []): string {
  const cols = ["thingName", "thingTypeName", "connectivity.connected", ...extraColumns];
  const sp = new URLSearchParams({ q: query, cols: cols.join(",") });
  return `/search?${sp.toString()}`;
}

/** The thing's shadow diff: its page, Shadows tab, the given shadow (`classic` or a named one). */
export function thingShadowHref(thingName: string, shadow: string): string {
  return `/things/${encodeURIComponent(thingName)}?${new URLSearchParams({ tab: "shadows", shadow }).toString()}`;
}
