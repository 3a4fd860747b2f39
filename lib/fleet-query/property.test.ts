/**
 * Properties over many random inputs (seeded, so failures reproduce): parse, tokenize and
 * completionContext never throw; errors and tokens stay inside the text; a parsed query
 * formats to a string that parses back to the same tree.
 */
import { describe, expect, it } from "vitest";
import { parseQuery } from "./parse";
import { tokenize } from "./tokens";
import { completionContext } from "./completion";
import { formatQuery } from "./format";
import { prng, stripSpans } from "./test-helpers";

const PIECES = [
  ..."abcXYZ019 .:*?\"()[]{}<>=-+\\!^~@#%/';,`&|\t\n\u00a0\u2003é😀",
  "AND",
  " AND ",
  " OR ",
  "NOT ",
  "and",
  " TO ",
  "TO",
  "attributes.x",
  "thingName",
  ":*",
  "&&",
  "||",
  "<=",
  '"a b"',
  "\\\\",
  "\uD800", // a lone surrogate
];

function randomText(rand: () => number, maxPieces: number): string {
  let s = "";
  const n = Math.floor(rand() * maxPieces);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rand() * PIECES.length)];
  return s;
}

/** Random queries from the grammar, so that many of them are valid. */
function randomQuery(rand: () => number, depth = 0): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const value = () => pick(["abc", "Ab-c_1.2", "75", "-3.5", "1e3", "x*", "*x", "a?c", '"two words"', '"q\\"uote"', "a\\ b", "arn:aws:x"]);
  const field = () => pick(["thingName", "attributes.os", "shadow.reported.v", "connectivity.timestamp", "a"]);
  const bound = () => pick(["1", "-2", "abc", '"s t"', "*", "1e2"]);
  const r = rand();
  if (depth > 3 || r < 0.45) {
    return pick([
      () => `${field()}:${value()}`,
      () => value(),
      () => `${field()}:*`,
      () => "*",
      () => `${field()}:${pick(["[", "{"])}${bound()} TO ${bound()}${pick(["]", "}"])}`,
      () => `${field()}${pick(["<", "<=", ">", ">="])}${pick(["", " "])}${pick(["5", "-1", "abc"])}`,
      () => `${field()}:(${randomQuery(rand, depth + 1)})`,
    ])();
  }
  if (r < 0.6) return `(${randomQuery(rand, depth + 1)})`;
  if (r < 0.7) return `${pick(["NOT ", "-"])}${randomQuery(rand, depth + 1)}`;
  return `${randomQuery(rand, depth + 1)}${pick([" AND ", " OR ", " "])}${randomQuery(rand, depth + 1)}`;
}

function checkInvariants(text: string): void {
  const r = parseQuery(text);
  expect(typeof r.ok).toBe("boolean");
  if (!r.ok) {
    expect(r.error.message.length).toBeGreaterThan(0);
    expect(r.error.span.start).toBeGreaterThanOrEqual(0);
    expect(r.error.span.start).toBeLessThanOrEqual(r.error.span.end);
    expect(r.error.span.end).toBeLessThanOrEqual(text.length);
  }
  let at = 0;
  for (const t of tokenize(text)) {
    expect(t.start).toBe(at);
    expect(t.end).toBeGreaterThan(t.start);
    at = t.end;
  }
  expect(at).toBe(text.length);
  for (let c = 0; c <= text.length; c++) expect(completionContext(text, c).kind).toMatch(/^(field|value|operator|none)$/);
}

describe("properties", () => {
  it("random strings never throw in parse, tokenize or completion", () => {
    const rand = prng(0x5eed);
    for (let i = 0; i < 2000; i++) checkInvariants(randomText(rand, 16));
  });

  it("random grammar queries parse, and formatQuery round-trips them", () => {
    const rand = prng(42);
    let valid = 0;
    for (let i = 0; i < 2000; i++) {
      const text = randomQuery(rand);
      checkInvariants(text);
      const r = parseQuery(text);
      if (!r.ok) {
        // Only the AWS limits may reject a query built from the grammar.
        expect(r.error.message).toMatch(/AWS IoT allows at most 12|start with a wildcard|leading wildcard may be at most 100|nests/);
        continue;
      }
      valid++;
      const formatted = formatQuery(r.query);
      const again = parseQuery(formatted);
      if (!again.ok && /leading wildcard may be at most 100/.test(again.error.message)) continue; // formatting can lengthen a query
      expect(again.ok, `${text} → ${formatted}: ${!again.ok && again.error.message}`).toBe(true);
      if (again.ok) {
        expect(stripSpans(again.query)).toEqual(stripSpans(r.query));
        expect(again.termCount).toBe(r.termCount);
      }
    }
    expect(valid).toBeGreaterThan(1000);
  });
});
