/**
 * Builders for expected query trees in the tests (spans left out: `stripSpans` removes them
 * from parsed trees so a test can compare structure, and span tests check offsets apart).
 */
import type { Bound, Literal, QueryNode } from "./ast";

type NoSpan<T> = T extends { span: unknown } ? Omit<T, "span"> : T;
export type Tree = NoSpan<QueryNode> | { kind: "and" | "or"; children: Tree[] } | { kind: "not"; child: Tree };

/** A number as written: `num("1e3")` is `{ text: "1e3", number: 1000 }`. */
export const num = (text: string): Literal => ({ text, number: Number(text), quoted: false });
const lit = (v: string | number | Literal, quoted = false): Literal =>
  typeof v === "object" ? v : { text: String(v), number: typeof v === "number" ? v : null, quoted };

/** `field:text` (or bare when field is null); pass a number to expect `Literal.number`. */
export const term = (field: string | null, v: string | number | Literal): Tree => ({ kind: "term", field, value: lit(v) });
/** `field:"text"`. */
export const phrase = (field: string | null, text: string): Tree => ({ kind: "term", field, value: lit(text, true) });
export const wild = (field: string | null, pattern: string, leading = false): Tree => ({ kind: "wildcard", field, pattern, leading });
export const exists = (field: string): Tree => ({ kind: "exists", field });
export const all: Tree = { kind: "all" };
export const and = (...children: Tree[]): Tree => ({ kind: "and", children });
export const or = (...children: Tree[]): Tree => ({ kind: "or", children });
export const not = (child: Tree): Tree => ({ kind: "not", child });

/** Bounds: `inc(75)`, `exc("abc")`, `incQ("abcd")` (quoted); null = open. */
export const inc = (v: string | number | Literal): Bound => ({ value: lit(v), inclusive: true });
export const exc = (v: string | number | Literal): Bound => ({ value: lit(v), inclusive: false });
export const incQ = (text: string): Bound => ({ value: lit(text, true), inclusive: true });
export const range = (field: string, lower: Bound | null, upper: Bound | null): Tree => ({ kind: "range", field, lower, upper });

export function stripSpans(node: QueryNode): Tree {
  switch (node.kind) {
    case "and":
    case "or":
      return { kind: node.kind, children: node.children.map(stripSpans) };
    case "not":
      return { kind: "not", child: stripSpans(node.child) };
    default: {
      const { span: _span, ...rest } = node;
      return rest;
    }
  }
}

/** A small deterministic PRNG (mulberry32) so random tests are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
