import { describe, expect, it } from "vitest";
import { completionContext } from "./completion";

/** The context with the cursor where `|` is (or at the end). */
function at(textWithCursor: string) {
  const i = textWithCursor.indexOf("|");
  const text = i < 0 ? textWithCursor : textWithCursor.slice(0, i) + textWithCursor.slice(i + 1);
  return completionContext(text, i < 0 ? text.length : i);
}

describe("completionContext", () => {
  it("offers field names at the start of a clause", () => {
    expect(at("")).toEqual({ kind: "field", prefix: "", from: 0, afterTerm: false });
    expect(at("attri")).toEqual({ kind: "field", prefix: "attri", from: 0, afterTerm: false });
    expect(at("attributes.o")).toEqual({ kind: "field", prefix: "attributes.o", from: 0, afterTerm: false });
    expect(at("a AND ")).toEqual({ kind: "field", prefix: "", from: 6, afterTerm: false });
    expect(at("a AND sha")).toEqual({ kind: "field", prefix: "sha", from: 6, afterTerm: false });
    expect(at("(")).toEqual({ kind: "field", prefix: "", from: 1, afterTerm: false });
    expect(at("NOT -")).toEqual({ kind: "field", prefix: "", from: 5, afterTerm: false });
    expect(at("x:a (thi")).toEqual({ kind: "field", prefix: "thi", from: 5, afterTerm: false });
  });
  it("says when a field name follows a complete term (AND / OR / NOT fit too)", () => {
    expect(at("thingName:a sha")).toEqual({ kind: "field", prefix: "sha", from: 12, afterTerm: true });
    expect(at("(a OR b) x")).toEqual({ kind: "field", prefix: "x", from: 9, afterTerm: true });
  });
  it("offers operators once a term is complete", () => {
    expect(at("thingName:a ")).toEqual({ kind: "operator", prefix: "", from: 12 });
    expect(at('x:"a b" ')).toEqual({ kind: "operator", prefix: "", from: 8 });
    expect(at("x:[1 TO 2] ")).toEqual({ kind: "operator", prefix: "", from: 11 });
    expect(at("a AND")).toEqual({ kind: "operator", prefix: "AND", from: 2 });
  });
  it("offers values after field:, field<, and inside a field group", () => {
    expect(at("attributes.os:")).toEqual({ kind: "value", field: "attributes.os", prefix: "", from: 14, quoted: false });
    expect(at("attributes.os:li")).toEqual({ kind: "value", field: "attributes.os", prefix: "li", from: 14, quoted: false });
    expect(at("attributes.os : li")).toEqual({ kind: "value", field: "attributes.os", prefix: "li", from: 16, quoted: false });
    expect(at("attributes.os: ")).toEqual({ kind: "value", field: "attributes.os", prefix: "", from: 15, quoted: false });
    expect(at("attributes.v >= 1")).toEqual({ kind: "value", field: "attributes.v", prefix: "1", from: 16, quoted: false });
    expect(at("attributes.os:(linux OR ma")).toEqual({ kind: "value", field: "attributes.os", prefix: "ma", from: 24, quoted: false });
    expect(at("attributes.os:(")).toEqual({ kind: "value", field: "attributes.os", prefix: "", from: 15, quoted: false });
    expect(at('attributes.model:"Model X')).toEqual({ kind: "value", field: "attributes.model", prefix: "Model X", from: 18, quoted: true });
    expect(at("thingName:arn:aws")).toEqual({ kind: "value", field: "thingName", prefix: "arn:aws", from: 10, quoted: false });
    expect(at("a:(b) attributes.os:l")).toEqual({ kind: "value", field: "attributes.os", prefix: "l", from: 20, quoted: false });
  });
  it("uses only the text before the cursor", () => {
    expect(at("attributes.os:li| AND x:y")).toEqual({ kind: "value", field: "attributes.os", prefix: "li", from: 14, quoted: false });
    expect(at("attr|ibutes.os:linux")).toEqual({ kind: "field", prefix: "attr", from: 0, afterTerm: false });
    expect(completionContext("abc", 99)).toEqual({ kind: "field", prefix: "abc", from: 0, afterTerm: false });
    expect(completionContext("abc", -5)).toEqual({ kind: "field", prefix: "", from: 0, afterTerm: false });
  });
  it("has nothing to offer inside ranges, bare phrases, or after invalid characters", () => {
    expect(at("x:[")).toEqual({ kind: "none" });
    expect(at("x:[1 TO ")).toEqual({ kind: "none" });
    expect(at("x:[1 T")).toEqual({ kind: "none" });
    expect(at('"free te')).toEqual({ kind: "none" });
    expect(at("a @")).toEqual({ kind: "none" });
    expect(at('x:"done"')).toEqual({ kind: "none" });
  });
});
