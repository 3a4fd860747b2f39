import { invalid } from "../../server/errors";
import type { RequestContext } from "../../server/router";

/**
 * Paging as the `iot` control plane does it. Two families exist (trap: they differ):
 * most lists take `maxResults`/`nextToken` and answer `nextToken`; certificates,
 * policies and attached policies take `pageSize`/`marker` and answer `nextMarker`.
 * Both tokens are opaque base64 strings here; they encode the sort key of the last item
 * returned, so a page costs a binary search plus the page, whatever the fleet size, and
 * items created or deleted between pages neither repeat nor shift the window.
 */

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function encodeToken(key: unknown): string {
  return Buffer.from(JSON.stringify({ k: key }), "utf8").toString("base64");
}

/** Decodes a token made by encodeToken; anything else is InvalidRequestException. */
export function decodeToken<T extends string | number>(token: string | null | undefined, kind: "string" | "number", param = "nextToken"): T | undefined {
  if (token === null || token === undefined || token === "") return undefined;
  const bad = () => invalid(`Invalid ${param}: the token is malformed or expired`);
  if (token.length > 4096 || !BASE64.test(token)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
  } catch {
    throw bad();
  }
  const k = (parsed as { k?: unknown } | null)?.k;
  if (typeof k !== kind) throw bad();
  return k as T;
}

/** Reads a page-size query parameter (`maxResults` or `pageSize`) within the model's range. */
export function pageLimit(ctx: RequestContext, param: "maxResults" | "pageSize", max = 250, fallback = 50): number {
  const raw = ctx.query.get(param);
  if (raw === null || raw === "") return Math.min(fallback, max);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw invalid(
      `1 validation error detected: Value '${raw}' at '${param}' failed to satisfy constraint: Member must have value less than or equal to ${max}, Member must have value greater than or equal to 1`,
    );
  }
  return n;
}

/** First index in a sorted string array whose value is strictly greater than `after`. */
export function upperBound(sorted: readonly string[], after: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface Page<T> {
  items: T[];
  /** Sort key of the last item when more items follow. */
  nextKey?: string;
}

/** A page's `nextToken` member for an answer: none on the last page. */
export function nextTokenOf(page: Page<unknown>): { nextToken?: string } {
  return page.nextKey !== undefined ? { nextToken: encodeToken(page.nextKey) } : {};
}

/**
 * One page of a sorted name list, after `after`, keeping names that pass `keep`. Looks one
 * match ahead so the last page carries no token (AWS omits nextToken when done).
 */
export function pageOfSorted(sorted: readonly string[], after: string | undefined, limit: number, keep?: (name: string) => boolean): Page<string> {
  const items: string[] = [];
  let i = after === undefined ? 0 : upperBound(sorted, after);
  for (; i < sorted.length; i++) {
    const name = sorted[i];
    if (keep && !keep(name)) continue;
    if (items.length === limit) return { items, nextKey: items[items.length - 1] };
    items.push(name);
  }
  return { items };
}

/**
 * One page of a list sorted by ascending numeric key (creation sequence), read in either
 * direction, starting after the key `after`.
 */
export function pageBySeq<T>(
  sorted: readonly T[],
  seqOf: (t: T) => number,
  after: number | undefined,
  limit: number,
  ascending: boolean,
): { items: T[]; nextSeq?: number } {
  // First index whose key is > after (ascending) / last index whose key is < after (descending).
  let lo = 0;
  let hi = sorted.length;
  const bound = after ?? (ascending ? -Infinity : Infinity);
  const pred = ascending ? (s: number) => s <= bound : (s: number) => s < bound;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(seqOf(sorted[mid]))) lo = mid + 1;
    else hi = mid;
  }
  const items: T[] = [];
  if (ascending) {
    for (let i = lo; i < sorted.length && items.length < limit; i++) items.push(sorted[i]);
    const more = lo + items.length < sorted.length;
    return more && items.length ? { items, nextSeq: seqOf(items[items.length - 1]) } : { items };
  }
  for (let i = lo - 1; i >= 0 && items.length < limit; i--) items.push(sorted[i]);
  const more = lo - items.length > 0;
  return more && items.length ? { items, nextSeq: seqOf(items[items.length - 1]) } : { items };
}
