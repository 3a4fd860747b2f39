import type { QueryNode } from "../../lib/fleet-query/ast";
import { parseQuery } from "../../lib/fleet-query/parse";
import { parseJsonNumber, wildcardToRegExp } from "../../lib/fleet-query/values";
import { AwsError } from "../server/errors";
import { andInto, andNotInto, orInto, type Bits } from "./bitset";
import type { Scalar, Value } from "./flatten";
import { numberOf, textKey, valueMatches, type FieldCondition, type FieldIndex } from "./postings";

/**
 * Running a parsed query. The syntax is the shared parser's (lib/fleet-query); this
 * module adds what only the index knows (which fields exist and which may be searched)
 * and the matching semantics:
 * - `field:value` matches case-insensitively; a value written as a number also matches
 *   the same number however it is stored (`attributes.x:75` finds "75", and 75.0);
 * - wildcards match text values (strings, booleans), whole value, case-insensitively;
 * - ranges and comparisons are numeric when every given bound is a number (JSON numbers
 *   and numeric strings are compared as numbers), otherwise they compare lowercased text;
 * - `field:*` matches documents that have the field (or, for an object such as
 *   `shadow.reported.location`, any field below it);
 * - a bare term or pattern searches every registry, shadow and Device Defender field;
 * - an array field matches when any element does ("array contains").
 */

export type Compiled =
  | { kind: "and"; pos: Compiled[]; neg: Compiled[] }
  | { kind: "or"; children: Compiled[] }
  | { kind: "not"; child: Compiled }
  | { kind: "all" }
  | { kind: "exists"; field: string }
  | { kind: "match"; field: string | null; cond: FieldCondition };

export const invalidQuery = (message: string) => new AwsError("InvalidQueryException", message);

/** Index-side rules for field names: returns why a field cannot be searched, or null. */
export type FieldRule = (field: string) => string | null;

/** Parses and compiles a query string; syntax and field errors are InvalidQueryException. */
export function compileQuery(text: string, rule: FieldRule): Compiled {
  const parsed = parseQuery(text);
  if (!parsed.ok) throw invalidQuery(`${parsed.error.message} (at character ${parsed.error.span.start + 1})`);
  return compile(parsed.query, rule);
}

export function compile(node: QueryNode, rule: FieldRule): Compiled {
  switch (node.kind) {
    case "and": {
      const pos: Compiled[] = [];
      const neg: Compiled[] = [];
      for (const c of node.children) {
        if (c.kind === "not") neg.push(compile(c.child, rule));
        else pos.push(compile(c, rule));
      }
      return { kind: "and", pos, neg };
    }
    case "or":
      return { kind: "or", children: node.children.map((c) => compile(c, rule)) };
    case "not":
      return { kind: "not", child: compile(node.child, rule) };
    case "all":
      return { kind: "all" };
    case "exists":
      checkField(node.field, rule);
      return { kind: "exists", field: node.field };
    case "term": {
      if (node.field !== null) checkField(node.field, rule);
      const key = node.value.text.toLowerCase();
      if (node.field !== null && /^deviceDefender\.[^.]+\.[^.]+\.inViolation$/.test(node.field) && key === "false") {
        throw invalidQuery(`${node.field}:false is not a valid query: search inViolation:true, and use NOT to exclude violations`);
      }
      // A number matches the same number however it is written or stored ("75", 75, 75.0).
      const n = parseJsonNumber(node.value.text);
      const cond: FieldCondition = {
        text: { kind: "eq", key },
        number: n !== null ? { kind: "eq", n } : undefined,
        test: (v: Scalar) => textKey(v) === key || (n !== null && numberOf(v) === n),
      };
      return { kind: "match", field: node.field, cond };
    }
    case "wildcard": {
      if (node.field !== null) checkField(node.field, rule);
      const { prefix, pure } = literalPrefix(node.pattern);
      const re = pure ? null : wildcardToRegExp(node.pattern);
      const test = re ? (k: string) => re.test(k) : null;
      const cond: FieldCondition = {
        text: { kind: "prefix", prefix, test },
        test: (v: Scalar) => {
          const k = textKey(v);
          return k !== null && k.startsWith(prefix) && (re === null || re.test(k));
        },
      };
      return { kind: "match", field: node.field, cond };
    }
    case "range": {
      checkField(node.field, rule);
      const { lower, upper } = node;
      if (!lower && !upper) return { kind: "exists", field: node.field };
      const numeric = (!lower || lower.value.number !== null) && (!upper || upper.value.number !== null);
      if (numeric) {
        const lo = lower ? lower.value.number! : null;
        const hi = upper ? upper.value.number! : null;
        const loInc = lower?.inclusive ?? true;
        const hiInc = upper?.inclusive ?? true;
        const cond: FieldCondition = {
          number: { kind: "range", lo, loInclusive: loInc, hi, hiInclusive: hiInc },
          test: (v: Scalar) => {
            const x = numberOf(v);
            return x !== null && (lo === null || (loInc ? x >= lo : x > lo)) && (hi === null || (hiInc ? x <= hi : x < hi));
          },
        };
        return { kind: "match", field: node.field, cond };
      }
      const lo = lower ? lower.value.text.toLowerCase() : null;
      const hi = upper ? upper.value.text.toLowerCase() : null;
      const loInc = lower?.inclusive ?? true;
      const hiInc = upper?.inclusive ?? true;
      const cond: FieldCondition = {
        text: { kind: "range", lo, loInclusive: loInc, hi, hiInclusive: hiInc },
        test: (v: Scalar) => {
          const k = textKey(v);
          return k !== null && (lo === null || (loInc ? k >= lo : k > lo)) && (hi === null || (hiInc ? k <= hi : k < hi));
        },
      };
      return { kind: "match", field: node.field, cond };
    }
  }
}

function checkField(field: string, rule: FieldRule): void {
  const problem = rule(field);
  if (problem) throw invalidQuery(problem);
}

/** The literal text before the first wildcard (lowercased, escapes removed); `pure` when the rest is a single trailing `*`. */
export function literalPrefix(pattern: string): { prefix: string; pure: boolean } {
  let prefix = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) {
      prefix += pattern[++i];
      continue;
    }
    if (c === "*" || c === "?") return { prefix: prefix.toLowerCase(), pure: c === "*" && i === pattern.length - 1 };
    prefix += c;
  }
  return { prefix: prefix.toLowerCase(), pure: false };
}

// ---- evaluation over the whole index (bitsets) ------------------------------------------------

export interface BitsetIndex {
  /** Words of every bitset of the current id space. */
  words(): number;
  /** A zeroed bitset of `words()` words, reused when possible (a million ids: 125 KB each). */
  takeBits(): Bits;
  /** Hands back a bitset nobody uses any more. */
  releaseBits(b: Bits): void;
  /** The ids of documents that exist. */
  live(): Bits;
  field(name: string): FieldIndex | undefined;
  /** Fields a bare term searches. */
  bareFields(): Iterable<FieldIndex>;
  /** Fields whose name starts with `prefix` (object existence: `shadow.reported.location:*`). */
  fieldsUnder(prefix: string): Iterable<FieldIndex>;
}

/**
 * The ids of the documents matching the query. Intermediate bitsets go back to the
 * index's pool: queries allocate next to nothing, so they do not drive the garbage
 * collector through a heap that holds the whole fleet.
 */
export function evaluateBits(c: Compiled, idx: BitsetIndex): Bits {
  const result = evalNode(c, idx);
  andInto(result, idx.live());
  return result;
}

function liveCopy(idx: BitsetIndex): Bits {
  const out = idx.takeBits();
  const live = idx.live();
  out.set(live.length > out.length ? live.subarray(0, out.length) : live);
  return out;
}

function evalNode(c: Compiled, idx: BitsetIndex): Bits {
  switch (c.kind) {
    case "all":
      return liveCopy(idx);
    case "match": {
      const out = idx.takeBits();
      if (c.field === null) for (const f of idx.bareFields()) f.match(c.cond, out);
      else idx.field(c.field)?.match(c.cond, out);
      return out;
    }
    case "exists": {
      const out = idx.takeBits();
      const f = idx.field(c.field);
      if (f) f.matchExists(out);
      else for (const sub of idx.fieldsUnder(c.field + ".")) sub.matchExists(out);
      return out;
    }
    case "and": {
      const acc = c.pos.length ? evalNode(c.pos[0], idx) : liveCopy(idx);
      for (let i = 1; i < c.pos.length; i++) {
        const b = evalNode(c.pos[i], idx);
        andInto(acc, b);
        idx.releaseBits(b);
      }
      for (const n of c.neg) {
        const b = evalNode(n, idx);
        andNotInto(acc, b);
        idx.releaseBits(b);
      }
      return acc;
    }
    case "or": {
      const acc = evalNode(c.children[0], idx);
      for (let i = 1; i < c.children.length; i++) {
        const b = evalNode(c.children[i], idx);
        orInto(acc, b);
        idx.releaseBits(b);
      }
      return acc;
    }
    case "not": {
      const acc = liveCopy(idx);
      const b = evalNode(c.child, idx);
      andNotInto(acc, b);
      idx.releaseBits(b);
      return acc;
    }
  }
}

// ---- evaluation of one document (dynamic groups, small indexes) ---------------------------------

export interface DocIndex {
  value(field: string, doc: number): Value | undefined;
  /** Calls `fn` with each value a bare term searches; stops when it returns true. */
  someBareValue(doc: number, fn: (v: Value) => boolean): boolean;
  /** Whether the document has any field starting with `prefix`. */
  hasFieldUnder(prefix: string, doc: number): boolean;
}

export function matchesDoc(c: Compiled, idx: DocIndex, doc: number): boolean {
  switch (c.kind) {
    case "all":
      return true;
    case "match":
      if (c.field === null) return idx.someBareValue(doc, (v) => valueMatches(v, c.cond.test));
      {
        const v = idx.value(c.field, doc);
        return v !== undefined && valueMatches(v, c.cond.test);
      }
    case "exists":
      return idx.value(c.field, doc) !== undefined || idx.hasFieldUnder(c.field + ".", doc);
    case "and":
      return c.pos.every((p) => matchesDoc(p, idx, doc)) && !c.neg.some((n) => matchesDoc(n, idx, doc));
    case "or":
      return c.children.some((ch) => matchesDoc(ch, idx, doc));
    case "not":
      return !matchesDoc(c.child, idx, doc);
  }
}
