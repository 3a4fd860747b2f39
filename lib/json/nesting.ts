/**
 * How deeply a parsed JSON value nests, measured without recursion. V8's JSON.parse copes
 * with any nesting, but JSON.stringify, structuredClone and every recursive walk overflow
 * the call stack a few thousand levels down (RangeError): a document nested 10,000 deep
 * parses fine and then breaks whatever touches it. Untrusted JSON is measured here, with an
 * explicit stack, before anything recurses into it.
 *
 * Levels count containers: a scalar is 0, `{}` or `[]` is 1, `{"a":{}}` and `[[1]]` are 2.
 * Shared by the emulator (request bodies, shadow documents) and the console (the
 * desired-state editor); no dependencies.
 */

function isContainer(v: unknown): v is object {
  return typeof v === "object" && v !== null;
}

/** The containers directly inside one (own enumerable keys only, `__proto__` included). */
function childrenOf(v: object): unknown[] {
  return Array.isArray(v) ? v : Object.values(v);
}

/**
 * The nesting of `value` (see the counting above), however deep it is; the walk stops at
 * the first container deeper than `stopAbove` (the answer is then that container's depth).
 */
export function nestingOf(value: unknown, stopAbove = Infinity): number {
  if (!isContainer(value)) return 0;
  let max = 0;
  const values: object[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop()!;
    const d = depths.pop()!;
    if (d > max) max = d;
    if (d > stopAbove) return d;
    for (const c of childrenOf(v)) {
      if (isContainer(c)) {
        values.push(c);
        depths.push(d + 1);
      }
    }
  }
  return max;
}

/** Whether `value` nests more than `limit` levels. Stops at the first container past the limit. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  return nestingOf(value, limit) > limit;
}
