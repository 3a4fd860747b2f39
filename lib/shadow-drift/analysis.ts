import type { ThingSearchRow } from "@/lib/fleet-index/types";
import { AGE_CLASSES, ANY_SHADOW, type DriftThingFilter, type DriftThingRow, type PendingKey, type PendingKeyStats } from "./contract";
import { thingPending } from "./pending";

/**
 * The drift of a set of indexed things: per thing, the shadows with a delta and their
 * pending keys; per pending key, on how many things it waits and since when. Pure: the
 * server reads the pages (lib/shadow-drift/service.ts), this counts.
 */

/** One drifted thing as the snapshot keeps it. */
export interface DriftThing {
  thingName: string;
  thingTypeName: string | null;
  thingGroupNames: string[];
  connected: boolean | null;
  connectivityChangedAtMs: number | null;
  disconnectReason: string | null;
  /** Only the shadows that have a delta, classic first. */
  shadows: Array<{ shadow: string; keys: PendingKey[] }>;
}

/** The drifted shadows of one search row; null when none of its shadows has a delta. */
export function toDriftThing(row: ThingSearchRow, namedShadows: readonly string[] = []): DriftThing | null {
  const shadows = thingPending(row.shadow, namedShadows)
    .filter((s) => s.hasDelta)
    .map((s) => ({ shadow: s.shadow, keys: s.keys }));
  if (shadows.length === 0) return null;
  return {
    thingName: row.thingName,
    thingTypeName: row.thingTypeName,
    thingGroupNames: row.thingGroupNames,
    connected: row.connectivity ? row.connectivity.connected : null,
    connectivityChangedAtMs: row.connectivity?.timestampMs ?? null,
    disconnectReason: row.connectivity?.disconnectReason ?? null,
    shadows,
  };
}

/** Median of numbers (the mean of the two middle values for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
}

/** The AGE_CLASSES index of an age in seconds (a desired written "in the future" by a skewed clock counts as new). */
export function ageClassOf(ageSec: number): number {
  const i = AGE_CLASSES.findIndex((c) => Math.max(0, ageSec) < c.maxSec);
  return i < 0 ? AGE_CLASSES.length - 1 : i;
}

/**
 * Per shadow and key path: things pending, how many of them are connected, how many do
 * not report the key at all, how many report failing to apply it, the oldest and median desired timestamps and the age
 * classes at `nowSec`. Most pending first, then the oldest, then by name.
 */
export function pendingKeyStats(things: readonly DriftThing[], nowSec: number): PendingKeyStats[] {
  const acc = new Map<
    string,
    { shadow: string; path: string; things: number; connected: number; notReported: number; failing: number; since: number[]; ageClasses: number[] }
  >();
  for (const t of things) {
    for (const s of t.shadows) {
      // A key counts once per thing and shadow, even if a malformed document listed it twice.
      const seen = new Set<string>();
      for (const k of s.keys) {
        if (seen.has(k.path)) continue;
        seen.add(k.path);
        const id = `${s.shadow}\u0000${k.path}`;
        let a = acc.get(id);
        if (!a)
          acc.set(
            id,
            (a = {
              shadow: s.shadow,
              path: k.path,
              things: 0,
              connected: 0,
              notReported: 0,
              failing: 0,
              since: [],
              ageClasses: new Array(AGE_CLASSES.length + 1).fill(0),
            }),
          );
        a.things++;
        if (t.connected) a.connected++;
        if (!k.reported) a.notReported++;
        if (k.error !== null) a.failing++;
        if (k.sinceSec !== null) {
          a.since.push(k.sinceSec);
          a.ageClasses[ageClassOf(nowSec - k.sinceSec)]++;
        } else a.ageClasses[AGE_CLASSES.length]++;
      }
    }
  }
  return [...acc.values()]
    .map((a) => ({
      shadow: a.shadow,
      path: a.path,
      things: a.things,
      connected: a.connected,
      notReported: a.notReported,
      failing: a.failing,
      oldestSinceSec: a.since.length ? Math.min(...a.since) : null,
      medianSinceSec: median(a.since),
      ageClasses: a.ageClasses,
    }))
    .sort(
      (x, y) =>
        y.things - x.things ||
        (x.oldestSinceSec ?? Infinity) - (y.oldestSinceSec ?? Infinity) ||
        x.shadow.localeCompare(y.shadow) ||
        x.path.localeCompare(y.path),
    );
}

const inScope = (scope: string, shadow: string) => scope === ANY_SHADOW || scope === shadow;

/** Whether a drifted thing belongs in the list for this filter (scope, type, group and key all hold). */
export function matchesFilter(t: DriftThing, f: DriftThingFilter): boolean {
  if (f.type !== null && t.thingTypeName !== f.type) return false;
  if (f.group !== null && !t.thingGroupNames.includes(f.group)) return false;
  const shadows = t.shadows.filter((s) => inScope(f.scope, s.shadow));
  if (shadows.length === 0) return false;
  if (f.key !== null) return shadows.some((s) => s.keys.some((k) => k.path === f.key));
  return true;
}

const oldestFirst = (a: number | null, b: number | null) => (a ?? Infinity) - (b ?? Infinity);

/** A thing as the list shows it: the shadows and keys in scope, oldest pending first. */
export function toRow(t: DriftThing, scope: string): DriftThingRow {
  const shadows = t.shadows.filter((s) => inScope(scope, s.shadow));
  const pending = shadows.flatMap((s) => s.keys).sort((a, b) => oldestFirst(a.sinceSec, b.sinceSec) || a.path.localeCompare(b.path));
  const times = pending.map((k) => k.sinceSec).filter((s): s is number => s !== null);
  return {
    thingName: t.thingName,
    thingTypeName: t.thingTypeName,
    thingGroupNames: t.thingGroupNames,
    connected: t.connected,
    connectivityChangedAtMs: t.connectivityChangedAtMs,
    disconnectReason: t.disconnectReason,
    shadows: shadows.map((s) => s.shadow),
    pending,
    oldestSinceSec: times.length ? Math.min(...times) : null,
  };
}

/** The things matching a filter as list rows, the longest-waiting first (then by name), and how many matched. */
export function filterThings(things: readonly DriftThing[], f: DriftThingFilter, limit: number): { matched: number; rows: DriftThingRow[] } {
  const rows = things
    .filter((t) => matchesFilter(t, f))
    .map((t) => toRow(t, f.scope))
    .sort((a, b) => oldestFirst(a.oldestSinceSec, b.oldestSinceSec) || a.thingName.localeCompare(b.thingName));
  return { matched: rows.length, rows: rows.slice(0, limit) };
}
