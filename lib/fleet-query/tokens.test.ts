import { describe, expect, it } from "vitest";
import { tokenize, type Token } from "./tokens";

/** The tokens as [text, kind] pairs, whitespace left out unless asked. */
function kinds(text: string, withWhitespace = false): Array<[string, Token["kind"]]> {
  return tokenize(text)
    .filter((t) => withWhitespace || t.kind !== "whitespace")
    .map((t) => [text.slice(t.start, t.end), t.kind]);
}

function expectFullCoverage(text: string): void {
  const tokens = tokenize(text);
  let at = 0;
  for (const t of tokens) {
    expect(t.start).toBe(at);
    expect(t.end).toBeGreaterThan(t.start);
    at = t.end;
  }
  expect(at).toBe(text.length);
}

describe("tokenize", () => {
  it("classifies fields, values, operators and comparators", () => {
    expect(kinds("attributes.attr1:abc AND attributes.attr2<5 NOT attributes.attr3>=10")).toEqual([
      ["attributes.attr1", "field"],
      [":", "colon"],
      ["abc", "value"],
      ["AND", "operator"],
      ["attributes.attr2", "field"],
      ["<", "comparator"],
      ["5", "number"],
      ["NOT", "operator"],
      ["attributes.attr3", "field"],
      [">=", "comparator"],
      ["10", "number"],
    ]);
  });
  it("recognises a field before spaced ':' and comparators", () => {
    expect(kinds("connectivity.timestamp : [1557651600000 TO *} OR connectivity.timestamp > 1557651600000")).toEqual([
      ["connectivity.timestamp", "field"],
      [":", "colon"],
      ["[", "bracket"],
      ["1557651600000", "number"],
      ["TO", "to"],
      ["*", "wildcard"],
      ["}", "bracket"],
      ["OR", "operator"],
      ["connectivity.timestamp", "field"],
      [">", "comparator"],
      ["1557651600000", "number"],
    ]);
  });
  it("classifies wildcards, phrases, groups, exclusion and bare words", () => {
    expect(kinds('thingName:(tv* AND -plasma) "a b" abc *')).toEqual([
      ["thingName", "field"],
      [":", "colon"],
      ["(", "paren"],
      ["tv*", "wildcard"],
      ["AND", "operator"],
      ["-", "operator"],
      ["plasma", "value"],
      [")", "paren"],
      ['"a b"', "phrase"],
      ["abc", "value"],
      ["*", "wildcard"],
    ]);
  });
  it("keeps ':' and '-' inside values, and escaped characters inside words", () => {
    expect(kinds("thingName:arn:aws:iot x:-5 a\\:b\\ c my\\*")).toEqual([
      ["thingName", "field"],
      [":", "colon"],
      ["arn:aws:iot", "value"],
      ["x", "field"],
      [":", "colon"],
      ["-5", "number"],
      ["a\\:b\\ c", "value"],
      ["my\\*", "value"],
    ]);
  });
  it("reads lowercase operators as values and TO only inside ranges", () => {
    expect(kinds("a or TO")).toEqual([
      ["a", "value"],
      ["or", "value"],
      ["TO", "value"],
    ]);
  });
  it("marks what the language does not allow as invalid, one token each", () => {
    expect(kinds("a@b ^ ~ ! && || , ; ' ` # % / +x trailing\\")).toEqual([
      ["a", "value"],
      ["@", "invalid"],
      ["b", "value"],
      ["^", "invalid"],
      ["~", "invalid"],
      ["!", "invalid"],
      ["&&", "invalid"],
      ["||", "invalid"],
      [",", "invalid"],
      [";", "invalid"],
      ["'", "invalid"],
      ["`", "invalid"],
      ["#", "invalid"],
      ["%", "invalid"],
      ["/", "invalid"],
      ["+", "invalid"],
      ["x", "value"],
      ["trailing", "value"],
      ["\\", "invalid"],
    ]);
  });
  it("keeps an unterminated phrase as one phrase token to the end", () => {
    expect(kinds('x:"abc def')).toEqual([
      ["x", "field"],
      [":", "colon"],
      ['"abc def', "phrase"],
    ]);
  });
  it("covers every character, whitespace included (Java whitespace: no-break space is not)", () => {
    expect(kinds("a \t\u2003b\u00a0c", true)).toEqual([
      ["a", "value"],
      [" \t\u2003", "whitespace"],
      ["b\u00a0c", "value"],
    ]);
    for (const text of ["", " ", "x:(a OR [1 TO", '"\\', "\\", "a\\", "((((", "::::", "x:<>=5", "😀:*?"]) expectFullCoverage(text);
  });
  // Speed is measured by `npm run bench` (query grammar figures), not asserted here.
  it("covers a 1,000-character query of every construct", () => {
    const base = 'attributes.os:(linux OR win*) AND shadow.reported.v:[1 TO 5} NOT "a phrase" connectivity.timestamp > 1557651600000 ';
    const text = base.repeat(Math.ceil(1000 / base.length)).slice(0, 1000);
    expectFullCoverage(text);
    expect(tokenize(text).filter((t) => t.kind === "operator").length).toBeGreaterThan(10);
  });
});
