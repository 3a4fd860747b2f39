import { describe, expect, it } from "vitest";
import { parseQuery } from "./parse";
import { describeError, formatQuery, termsOf } from "./format";
import { parseJsonNumber, wildcardToRegExp } from "./values";
import { stripSpans } from "./test-helpers";

function parsed(text: string) {
  const r = parseQuery(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.query;
}

describe("termsOf", () => {
  it("lists the leaves in text order", () => {
    const text = "* a:b OR NOT (c:d* e:[1 TO 2]) f:* g<3";
    expect(termsOf(parsed(text)).map((t) => [t.kind, text.slice(t.span.start, t.span.end)])).toEqual([
      ["all", "*"],
      ["term", "a:b"],
      ["wildcard", "c:d*"],
      ["range", "e:[1 TO 2]"],
      ["exists", "f:*"],
      ["range", "g<3"],
    ]);
  });
});

describe("describeError", () => {
  it("puts the message and where it is on one line", () => {
    const text = "x AND (a OR b";
    const r = parseQuery(text);
    expect(!r.ok && describeError(text, r.error)).toBe('Missing closing parenthesis for the one opened here (at character 7: "(")');
    const end = parseQuery("a AND");
    expect(!end.ok && describeError("a AND", end.error)).toBe(`'AND' needs a search term after it (at character 3: "AND")`);
    expect(describeError("abc", { message: "M", span: { start: 3, end: 3 } })).toBe("M (at the end of the query)");
    const long = "x".repeat(60);
    expect(describeError(long, { message: "M", span: { start: 0, end: 60 } })).toBe(`M (at character 1: "${"x".repeat(37)}...")`);
  });
});

describe("formatQuery", () => {
  const cases: Array<[string, string]> = [
    ["thingName:(tv* AND -plasma)", "thingName:tv* AND NOT thingName:plasma"],
    ["a b OR c", "(a AND b) OR c"],
    ["a (b OR c)", "a AND (b OR c)"],
    ["NOT (a OR b)", "NOT (a OR b)"],
    ["x<5 y:{1 TO 2] z>=3", "x<5 AND y:{1 TO 2] AND z>=3"],
    ["x:[* TO *]", "x:[* TO *]"],
    ['x:"a \\"b\\""', 'x:"a \\"b\\""'],
    ["x:a\\ b\\:c", "x:a\\ b\\:c"],
    ["\\-x \\AND", "\\-x AND \\AND"],
    ["x:-5 y:\\+1", "x:-5 AND y:+1"],
    ["my\\*thing* x:\\*", "my\\*thing* AND x:\\*"],
    ["* x:*", "* AND x:*"],
  ];
  it.each(cases)("%s → %s", (input, output) => {
    const out = formatQuery(parsed(input));
    expect(out).toBe(output);
    expect(stripSpans(parsed(out))).toEqual(stripSpans(parsed(input)));
  });
});

describe("values", () => {
  it("parses JSON numbers only", () => {
    expect(parseJsonNumber("75")).toBe(75);
    expect(parseJsonNumber("-0.5")).toBe(-0.5);
    expect(parseJsonNumber("1E-2")).toBe(0.01);
    for (const t of ["", "-", "01", "+1", "1.", ".1", "1e", "0x10", "Infinity", "NaN", " 1", "1 "]) expect(parseJsonNumber(t)).toBeNull();
    expect(parseJsonNumber("1e999")).toBeNull(); // not finite
  });
  it("compiles wildcard patterns: * any run, ? one character, escapes literal, case-insensitive", () => {
    expect(wildcardToRegExp("my*").test("MyThing")).toBe(true);
    expect(wildcardToRegExp("my*").test("xmy")).toBe(false);
    expect(wildcardToRegExp("*my").test("itsmy")).toBe(true);
    expect(wildcardToRegExp("ab?").test("abc")).toBe(true);
    expect(wildcardToRegExp("ab?").test("abcd")).toBe(false);
    expect(wildcardToRegExp("ab?").test("ab")).toBe(false);
    expect(wildcardToRegExp("i*t").test("i\nt")).toBe(true);
    expect(wildcardToRegExp("a\\*b*").test("a*bc")).toBe(true);
    expect(wildcardToRegExp("a\\*b*").test("axbc")).toBe(false);
    expect(wildcardToRegExp("a\\?").test("a?")).toBe(true);
    expect(wildcardToRegExp("a\\\\*").test("a\\x")).toBe(true);
    expect(wildcardToRegExp("a.(b)[c]{1}|$^+/*").test("a.(b)[c]{1}|$^+/z")).toBe(true);
    expect(wildcardToRegExp("?").test("😀")).toBe(true);
  });
});
