import { describe, expect, it } from "vitest";
import { parseQuery } from "./parse";
import type { QueryError } from "./ast";
import { all, and, exc, exists, inc, incQ, not, num, or, phrase, range, stripSpans, term, wild, type Tree } from "./test-helpers";

function tree(text: string): Tree {
  const r = parseQuery(text);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got: ${r.error.message} at ${r.error.span.start}-${r.error.span.end}`);
  return stripSpans(r.query);
}

function error(text: string): QueryError & { underlined: string } {
  const r = parseQuery(text);
  if (r.ok) throw new Error(`expected ${JSON.stringify(text)} to fail, got ${JSON.stringify(stripSpans(r.query))}`);
  return { ...r.error, underlined: text.slice(r.error.span.start, r.error.span.end) };
}

describe("AWS 'Example thing queries'", () => {
  const cases: Array<[string, Tree]> = [
    ["abc", term(null, "abc")],
    ["thingName:myThingName", term("thingName", "myThingName")],
    ["thingName:my*", wild("thingName", "my*")],
    ["thingName:*my", wild("thingName", "*my", true)],
    ["thingName:*my*", wild("thingName", "*my*", true)],
    ["thingName:ab?", wild("thingName", "ab?")],
    ["thingTypeName:aa", term("thingTypeName", "aa")],
    ["thingGroupNames:a", term("thingGroupNames", "a")],
    ["thingGroupNames:a*", wild("thingGroupNames", "a*")],
    ["attributes.myAttribute:75", term("attributes.myAttribute", 75)],
    ["attributes.myAttribute:[75 TO 80]", range("attributes.myAttribute", inc(75), inc(80))],
    ["attributes.myAttribute:{75 TO 80]", range("attributes.myAttribute", exc(75), inc(80))],
    ['attributes.serialNumber:["abcd" TO "abcf"]', range("attributes.serialNumber", incQ("abcd"), incQ("abcf"))],
    ["attributes.myAttribute:i*t", wild("attributes.myAttribute", "i*t")],
    [
      "attributes.attr1:abc AND attributes.attr2<5 NOT attributes.attr3>10",
      and(term("attributes.attr1", "abc"), range("attributes.attr2", null, exc(5)), not(range("attributes.attr3", exc(10), null))),
    ],
    ["shadow.hasDelta:true", term("shadow.hasDelta", "true")],
    ["NOT attributes.model:legacy", not(term("attributes.model", "legacy"))],
    [
      "shadow.reported.stats.battery:{70 TO 100} (v2 OR v3) NOT attributes.model:legacy",
      and(range("shadow.reported.stats.battery", exc(70), exc(100)), or(term(null, "v2"), term(null, "v3")), not(term("attributes.model", "legacy"))),
    ],
    ["shadow.reported.myvalues:2", term("shadow.reported.myvalues", 2)],
    ["shadow.reported.location:* NOT shadow.desired.stats.battery:*", and(exists("shadow.reported.location"), not(exists("shadow.desired.stats.battery")))],
    ["connectivity.connected:true", term("connectivity.connected", "true")],
    ["connectivity.connected:false", term("connectivity.connected", "false")],
    [
      "connectivity.connected:true AND connectivity.timestamp : [1557651600000 TO 1557867600000]",
      and(term("connectivity.connected", "true"), range("connectivity.timestamp", inc(1557651600000), inc(1557867600000))),
    ],
    [
      "connectivity.connected:false AND connectivity.timestamp : [1557651600000 TO 1557867600000]",
      and(term("connectivity.connected", "false"), range("connectivity.timestamp", inc(1557651600000), inc(1557867600000))),
    ],
    [
      "connectivity.connected:true AND connectivity.timestamp > 1557651600000",
      and(term("connectivity.connected", "true"), range("connectivity.timestamp", exc(1557651600000), null)),
    ],
    ["connectivity.connected:*", exists("connectivity.connected")],
    ["connectivity.disconnectReason:*", exists("connectivity.disconnectReason")],
    ["connectivity.disconnectReason:CLIENT_INITIATED_DISCONNECT", term("connectivity.disconnectReason", "CLIENT_INITIATED_DISCONNECT")],
    ["shadow.name.myShadow.hasDelta:true", term("shadow.name.myShadow.hasDelta", "true")],
    ["shadow.name.myShadow.desired.filament:*", exists("shadow.name.myShadow.desired.filament")],
    ["deviceDefender.violationCount:[0 TO 100]", range("deviceDefender.violationCount", inc(0), inc(100))],
    ["deviceDefender.myProfile.myBehavior.inViolation:true", term("deviceDefender.myProfile.myBehavior.inViolation", "true")],
    ["deviceDefender.myProfile.myBehavior.lastViolationValue.number>2", range("deviceDefender.myProfile.myBehavior.lastViolationValue.number", exc(2), null)],
    [
      "deviceDefender.myProfile.myBehavior.lastViolationTime>1634227200000",
      range("deviceDefender.myProfile.myBehavior.lastViolationTime", exc(1634227200000), null),
    ],
  ];
  it.each(cases)("%s", (query, expected) => {
    expect(tree(query)).toEqual(expected);
  });
});

describe("AWS 'Query syntax' and 'Example thing group queries'", () => {
  it("excludes with a leading hyphen inside a field group", () => {
    expect(tree("thingName:(tv* AND -plasma)")).toEqual(and(wild("thingName", "tv*"), not(term("thingName", "plasma"))));
  });
  it("joins juxtaposed terms with the default operator AND", () => {
    expect(tree("thingName:abc thingType:xyz")).toEqual(tree("thingName:abc AND thingType:xyz"));
    expect(tree("thingName:abc thingType:xyz")).toEqual(and(term("thingName", "abc"), term("thingType", "xyz")));
  });
  it("distributes a field group over its terms", () => {
    expect(tree("parentGroupNames:(myParentThingGroupName)")).toEqual(term("parentGroupNames", "myParentThingGroupName"));
    expect(tree("parentGroupNames:(myParentThingGroupName OR myRootThingGroupName)")).toEqual(
      or(term("parentGroupNames", "myParentThingGroupName"), term("parentGroupNames", "myRootThingGroupName")),
    );
    expect(tree("parentGroupNames:(myParentThingGroupNa*)")).toEqual(wild("parentGroupNames", "myParentThingGroupNa*"));
    expect(tree("thingGroupName:myGroupThingName")).toEqual(term("thingGroupName", "myGroupThingName"));
    expect(tree("NOT attributes.myAttribute:cde")).toEqual(not(term("attributes.myAttribute", "cde")));
  });
  it("accepts one leading-wildcard term but not two", () => {
    expect(tree("thingName:*my")).toEqual(wild("thingName", "*my", true));
    expect(error("thingName:*my AND thingGroupNames:*echo")).toMatchObject({
      message: "Only one term per query may start with a wildcard ('*' or '?'), and 'thingName:*my' already does",
      underlined: "thingGroupNames:*echo",
    });
  });
});

describe("precedence and default AND", () => {
  it("binds NOT tighter than AND, and AND tighter than OR", () => {
    expect(tree("a OR b AND c")).toEqual(or(term(null, "a"), and(term(null, "b"), term(null, "c"))));
    expect(tree("a AND b OR c")).toEqual(or(and(term(null, "a"), term(null, "b")), term(null, "c")));
    expect(tree("NOT a AND b")).toEqual(and(not(term(null, "a")), term(null, "b")));
    expect(tree("NOT a OR b")).toEqual(or(not(term(null, "a")), term(null, "b")));
    expect(tree("a OR NOT b")).toEqual(or(term(null, "a"), not(term(null, "b"))));
  });
  it("treats juxtaposition as AND, at AND's precedence", () => {
    expect(tree("a b OR c d")).toEqual(or(and(term(null, "a"), term(null, "b")), and(term(null, "c"), term(null, "d"))));
    expect(tree("a NOT b")).toEqual(and(term(null, "a"), not(term(null, "b"))));
    expect(tree("a -b c")).toEqual(and(term(null, "a"), not(term(null, "b")), term(null, "c")));
    expect(tree("a AND b c")).toEqual(and(term(null, "a"), term(null, "b"), term(null, "c")));
  });
  it("groups with parentheses, keeping the written structure", () => {
    expect(tree("(a OR b) c")).toEqual(and(or(term(null, "a"), term(null, "b")), term(null, "c")));
    expect(tree("a AND (b AND c)")).toEqual(and(term(null, "a"), and(term(null, "b"), term(null, "c"))));
    expect(tree("NOT (a OR b)")).toEqual(not(or(term(null, "a"), term(null, "b"))));
    expect(tree("-(a OR b)")).toEqual(not(or(term(null, "a"), term(null, "b"))));
    expect(tree("((a))")).toEqual(term(null, "a"));
    expect(tree("NOT NOT a")).toEqual(not(not(term(null, "a"))));
  });
  it("reads operators only in capitals; lowercase ones are words, with a warning", () => {
    const r = parseQuery("a or b");
    expect(r.ok && stripSpans(r.query)).toEqual(and(term(null, "a"), term(null, "or"), term(null, "b")));
    expect(r.ok && r.warnings).toEqual([{ message: "'or' is searched as a word; write OR in capitals to combine terms", span: { start: 2, end: 4 } }]);
    const n = parseQuery("Not x");
    expect(n.ok && n.warnings?.[0].message).toBe("'Not' is searched as a word; write NOT in capitals to combine terms");
    expect(tree('thingName:"AND"')).toEqual(phrase("thingName", "AND"));
    expect(tree("thingName:ANDROID")).toEqual(term("thingName", "ANDROID"));
  });
});

describe("fields and values", () => {
  it("keeps field names verbatim (case, dots) and values' case", () => {
    expect(tree("shadow.name.config.desired.X:OnOff")).toEqual(term("shadow.name.config.desired.X", "OnOff"));
    expect(tree("ThingName:Abc")).toEqual(term("ThingName", "Abc"));
  });
  it("accepts ':', '_', '-', '.' inside values", () => {
    expect(tree("thingName:arn:aws:iot:eu-west-1:123:thing/x".replace("/x", ""))).toEqual(term("thingName", "arn:aws:iot:eu-west-1:123:thing"));
    expect(tree("thingName:my_thing-01.v2")).toEqual(term("thingName", "my_thing-01.v2"));
    expect(tree("a:b:c")).toEqual(term("a", "b:c"));
  });
  it("reads a leading '-' right after 'field:' as part of the value", () => {
    expect(tree("attributes.offset:-5")).toEqual(term("attributes.offset", -5));
    expect(tree("thingName:-plasma")).toEqual(term("thingName", "-plasma"));
    expect(tree("-thingName:plasma")).toEqual(not(term("thingName", "plasma")));
  });
  it("allows spaces around ':'", () => {
    expect(tree("thingName : abc")).toEqual(term("thingName", "abc"));
    expect(tree("thingName: abc")).toEqual(term("thingName", "abc"));
  });
  it("sets Literal.number for JSON numbers only, and never for quoted text", () => {
    expect(tree("x:0")).toEqual(term("x", 0));
    expect(tree("x:-1.5e3")).toEqual(term("x", num("-1.5e3")));
    expect(num("-1.5e3").number).toBe(-1500);
    expect(tree("x:2.50")).toEqual({ kind: "term", field: "x", value: { text: "2.50", number: 2.5, quoted: false } });
    for (const text of ["007", "+5", "1.", ".5", "0x1F", "1e", "NaN", "Infinity", "1_000"]) expect(tree(`x:${text}`)).toEqual(term("x", text));
    expect(tree('x:"10"')).toEqual(phrase("x", "10"));
  });
  it("reads phrases, with wildcards inside quotes as literal characters", () => {
    expect(tree('attributes.model:"Model X 2"')).toEqual(phrase("attributes.model", "Model X 2"));
    expect(tree('"hello world"')).toEqual(phrase(null, "hello world"));
    expect(tree('thingName:"my*"')).toEqual(phrase("thingName", "my*"));
    expect(tree('x:"say \\"hi\\" \\\\ ok"')).toEqual(phrase("x", 'say "hi" \\ ok'));
  });
  it("turns field:* into exists and a lone * into all", () => {
    expect(tree("*")).toEqual(all);
    expect(tree(" * ")).toEqual(all);
    expect(tree("attributes.os:*")).toEqual(exists("attributes.os"));
    expect(tree("attributes.os:(*)")).toEqual(exists("attributes.os"));
    expect(tree("NOT attributes.os:*")).toEqual(not(exists("attributes.os")));
    expect(tree("* AND thingName:a")).toEqual(and(all, term("thingName", "a")));
    expect(parseQuery("*")).toMatchObject({ ok: true, termCount: 0 });
  });
  it("resolves escapes", () => {
    expect(tree("thingName:my\\ thing")).toEqual(term("thingName", "my thing"));
    expect(tree("thingName:a\\(b\\)")).toEqual(term("thingName", "a(b)"));
    expect(tree("thingName:a\\:b")).toEqual(term("thingName", "a:b"));
    expect(tree("attributes.my\\:attr:v")).toEqual(term("attributes.my:attr", "v"));
    expect(tree("thingName:my\\*")).toEqual(term("thingName", "my*"));
    expect(tree("thingName:my\\*thing*")).toEqual(wild("thingName", "my\\*thing*"));
    expect(tree("thingName:\\*x")).toEqual(term("thingName", "*x"));
    expect(tree("attributes.mail:a\\@b")).toEqual(term("attributes.mail", "a@b"));
    expect(tree("\\-x")).toEqual(term(null, "-x"));
    expect(tree("\\AND")).toEqual(term(null, "AND"));
    expect(tree("a\\\\b")).toEqual(term(null, "a\\b"));
  });
});

describe("field grouping", () => {
  it("applies the field to every term inside that names none", () => {
    expect(tree('attributes.os:(linux OR win* OR "mac os")')).toEqual(
      or(term("attributes.os", "linux"), wild("attributes.os", "win*"), phrase("attributes.os", "mac os")),
    );
    expect(tree("attributes.os:(NOT linux)")).toEqual(not(term("attributes.os", "linux")));
    expect(tree("attributes.os:(linux (a OR b))")).toEqual(and(term("attributes.os", "linux"), or(term("attributes.os", "a"), term("attributes.os", "b"))));
  });
  it("lets a field named inside override the group's field, as in Lucene", () => {
    expect(tree("thingName:(a OR thingTypeName:b)")).toEqual(or(term("thingName", "a"), term("thingTypeName", "b")));
  });
  it("applies the field to ranges and comparisons inside", () => {
    expect(tree("attributes.v:([1 TO 5] OR >=9)")).toEqual(or(range("attributes.v", inc(1), inc(5)), range("attributes.v", inc(9), null)));
  });
  it("spans the whole group for a compound node", () => {
    const r = parseQuery("x AND thingName:(a OR b)");
    expect(r.ok && r.query.kind === "and" && r.query.children[1].span).toEqual({ start: 6, end: 24 });
  });
});

describe("ranges and comparisons", () => {
  it("reads inclusive, exclusive and mixed brackets", () => {
    expect(tree("x:[1 TO 2]")).toEqual(range("x", inc(1), inc(2)));
    expect(tree("x:{1 TO 2}")).toEqual(range("x", exc(1), exc(2)));
    expect(tree("x:[1 TO 2}")).toEqual(range("x", inc(1), exc(2)));
    expect(tree("x:{1 TO 2]")).toEqual(range("x", exc(1), inc(2)));
  });
  it("reads '*' as an open bound", () => {
    expect(tree("x:[* TO 5]")).toEqual(range("x", null, inc(5)));
    expect(tree("x:{10 TO *}")).toEqual(range("x", exc(10), null));
    expect(tree("x:[* TO *]")).toEqual(range("x", null, null));
  });
  it("reads numeric, negative, decimal, string and quoted bounds", () => {
    expect(tree("x:[-10 TO -2.5]")).toEqual(range("x", inc(-10), inc(-2.5)));
    expect(tree("x:[1e3 TO 2E+3]")).toEqual(range("x", inc(num("1e3")), inc(num("2E+3"))));
    expect(tree("x:[abc TO abf]")).toEqual(range("x", inc("abc"), inc("abf")));
    expect(tree('x:["a b" TO "c"]')).toEqual(range("x", incQ("a b"), incQ("c")));
    expect(tree("x:[2020-01-01 TO 2021-01-01]")).toEqual(range("x", inc("2020-01-01"), inc("2021-01-01")));
  });
  it("allows spaces inside brackets and around ':'", () => {
    expect(tree("x : [ 1  TO  5 ]")).toEqual(range("x", inc(1), inc(5)));
  });
  it("reads the four comparators with and without spaces", () => {
    expect(tree("x<5")).toEqual(range("x", null, exc(5)));
    expect(tree("x<=5")).toEqual(range("x", null, inc(5)));
    expect(tree("x>5")).toEqual(range("x", exc(5), null));
    expect(tree("x>=5")).toEqual(range("x", inc(5), null));
    expect(tree("x < 5")).toEqual(range("x", null, exc(5)));
    expect(tree("x >= -5")).toEqual(range("x", inc(-5), null));
    expect(tree("x>abc")).toEqual(range("x", exc("abc"), null));
    expect(tree('x<"m n"')).toEqual(range("x", null, { value: { text: "m n", number: null, quoted: true }, inclusive: false }));
    expect(tree("x>1 x<5")).toEqual(and(range("x", exc(1), null), range("x", null, exc(5))));
  });
  it("warns about a range that can match nothing", () => {
    const r = parseQuery("x:[80 TO 75]");
    expect(r.ok && r.warnings).toEqual([
      { message: "This range matches nothing: its lower bound 80 is not below its upper bound 75", span: { start: 0, end: 12 } },
    ]);
    const e = parseQuery("x:{5 TO 5]");
    expect(e.ok && e.warnings?.length).toBe(1);
    const fine = parseQuery("x:[5 TO 5]");
    expect(fine.ok && fine.warnings).toEqual([]);
  });
});

describe("spans", () => {
  it("covers each term's own text", () => {
    const r = parseQuery("thingName:a  attributes.x : [1 TO 2] NOT y>3 -z");
    if (!r.ok) throw new Error(r.error.message);
    const text = "thingName:a  attributes.x : [1 TO 2] NOT y>3 -z";
    const q = r.query;
    if (q.kind !== "and") throw new Error("and expected");
    expect(q.span).toEqual({ start: 0, end: text.length });
    expect(q.children.map((c) => text.slice(c.span.start, c.span.end))).toEqual(["thingName:a", "attributes.x : [1 TO 2]", "NOT y>3", "-z"]);
  });
  it("covers the value only for a term inside a field group, and the parentheses for a group", () => {
    const text = "(a OR b) thingName:(c d)";
    const r = parseQuery(text);
    if (!r.ok || r.query.kind !== "and") throw new Error("and expected");
    const [g1, g2] = r.query.children;
    expect(text.slice(g1.span.start, g1.span.end)).toBe("(a OR b)");
    expect(text.slice(g2.span.start, g2.span.end)).toBe("thingName:(c d)");
    if (g2.kind !== "and") throw new Error("and expected");
    expect(text.slice(g2.children[1].span.start, g2.children[1].span.end)).toBe("d");
  });
});

describe("AWS limits", () => {
  const terms = (n: number) => Array.from({ length: n }, (_, i) => `attributes.a${i}:v${i}`).join(" ");
  it("accepts 12 terms and rejects the 13th", () => {
    expect(parseQuery(terms(12))).toMatchObject({ ok: true, termCount: 12 });
    const e = error(terms(13));
    expect(e.message).toBe("The query has 13 terms; AWS IoT allows at most 12");
    expect(e.underlined).toBe("attributes.a12:v12");
    expect(error(terms(15)).message).toBe("The query has 15 terms; AWS IoT allows at most 12");
  });
  it("counts each term of a field group, ranges once, and not a bare *", () => {
    expect(parseQuery("x:(a OR b OR c) y:[1 TO 2] * z<3")).toMatchObject({ ok: true, termCount: 5 });
    const e = error("x:(a b c d e f g h i j k l m)");
    expect(e.underlined).toBe("m");
  });
  it("allows one leading wildcard only in a query of at most 100 characters", () => {
    const pad = (len: number, q: string) => q + " AND attributes.padding:" + "x".repeat(len - q.length - " AND attributes.padding:".length);
    const ok100 = pad(100, "thingName:*my");
    expect(ok100.length).toBe(100);
    expect(parseQuery(ok100).ok).toBe(true);
    const e = error(pad(101, "thingName:*my"));
    expect(e.message).toBe("A query with a leading wildcard may be at most 100 characters; this one has 101");
    expect(e.underlined).toBe("thingName:*my");
    // Without a leading wildcard, length is not limited here.
    expect(parseQuery(pad(300, "thingName:my*")).ok).toBe(true);
  });
  it("counts '?' as a leading wildcard, and bare leading wildcards too", () => {
    expect(error("thingName:?x *y").underlined).toBe("*y");
  });
  it("does not count * (all) or field:* (exists) as leading wildcards", () => {
    expect(parseQuery("* thingName:*my attributes.x:*").ok).toBe(true);
    expect(parseQuery("* " + "a ".repeat(60)).ok).toBe(false); // 60 terms
    expect(parseQuery(`attributes.x:* ${"y".repeat(120)}`).ok).toBe(true);
  });
});

describe("malformed queries: message and exact span", () => {
  const cases: Array<[query: string, message: string, underlined: string]> = [
    ["", "The query is empty: type a search term, or * for every thing", ""],
    ["   ", "The query is empty: type a search term, or * for every thing", "   "],
    ["(a OR b", "Missing closing parenthesis for the one opened here", "("],
    ["x:(a OR (b c)", "Missing closing parenthesis for the one opened here", "("],
    ["a OR b)", "This closing parenthesis has no matching '('", ")"],
    ["()", "Empty parentheses: put a search term inside", "()"],
    ["thingName:()", "Empty parentheses after 'thingName:': put a value inside", "()"],
    ["attributes.os:", "Expected a value after 'attributes.os:'", "attributes.os:"],
    ["attributes.os: AND x", "Expected a value after 'attributes.os:'", "attributes.os:"],
    ["(attributes.os:)", "Expected a value after 'attributes.os:'", "attributes.os:"],
    ["x::y", "Expected a value after 'x:'", "x:"],
    [":abc", "Expected a field name before ':'", ":"],
    ["(a):b", "Expected a field name before ':'", ":"],
    ['"a b":c', "A field name cannot be in quotes", '"a b"'],
    ["attr*:x", "A field name cannot contain wildcards ('*' or '?')", "attr*"],
    ["x:[1 5]", "Range needs 'TO' between its bounds", "[1 5]"],
    ["x:[1 to 5]", "Write 'TO' in capitals between the range's bounds", "to"],
    ["x:[1 TO 5", "Missing ']' or '}' to close the range opened here", "["],
    ["x:[1 5", "Missing ']' or '}' to close the range opened here", "["],
    ["x:[", "Missing ']' or '}' to close the range opened here", "["],
    ["x:[]", "Empty range: write [lower TO upper], with * for an open end", "[]"],
    ["x:[TO 5]", "Expected a lower bound before 'TO'", "TO"],
    ["x:[1 TO]", "Expected an upper bound after 'TO'", "TO"],
    ["x:[1 TO 5 6]", "Expected ']' or '}' to close the range, found '6'", "6"],
    ["x:[a* TO b]", "A range bound cannot contain wildcards; use * alone for an open end", "a*"],
    ["x:[(1 TO 2]", "Expected a range bound, found '('", "("],
    ["[1 TO 5]", "A range needs a field, e.g. attributes.version:[1 TO 5]", "[1 TO 5]"],
    ["a ]", "']' closes a range that was never opened", "]"],
    ["x<", "Expected a value after 'x<'", "x<"],
    ["x >= ", "Expected a value after 'x >='", "x >="],
    ["x<(5)", "Expected a value after 'x<'", "x<"],
    ["x<5*", "A comparison needs a plain value: wildcards cannot be used after '<'", "5*"],
    ["x<*", "A comparison needs a plain value: wildcards cannot be used after '<'", "*"],
    ["<5", "A comparison needs a field before '<', e.g. attributes.version<5", "<"],
    ["a AND >=5", "A comparison needs a field before '>=', e.g. attributes.version>=5", ">="],
    ["x:<5", "Write a comparison without ':', e.g. x<5", ":<"],
    ["AND a", "'AND' needs a search term before it", "AND"],
    ["OR a", "'OR' needs a search term before it", "OR"],
    ["(OR a)", "'OR' needs a search term before it", "OR"],
    ["a AND", "'AND' needs a search term after it", "AND"],
    ["a OR", "'OR' needs a search term after it", "OR"],
    ["a AND OR b", "'AND' needs a search term after it", "AND"],
    ["(a OR )", "'OR' needs a search term after it", "OR"],
    ["NOT", "'NOT' needs a search term after it", "NOT"],
    ["a NOT", "'NOT' needs a search term after it", "NOT"],
    ["NOT AND a", "'NOT' needs a search term after it", "NOT"],
    ["a -", "'-' needs a search term after it", "-"],
    ["a - b", "Write '-' directly before the term it excludes, without a space (e.g. -thingName:test*)", "-"],
    ['thingName:"abc', "Missing closing quote for the phrase started here", '"'],
    ['"abc\\"', "Missing closing quote for the phrase started here", '"'],
    ['thingName:""', "Empty phrase: put the text to search between the quotes", '""'],
    ["thingName:abc\\", "Nothing follows this '\\': remove it, or write '\\\\' to search for a backslash", "\\"],
    ["attributes.mail:a@b", "'@' is not supported in fleet-indexing queries", "@"],
    ["a #b", "'#' is not supported in fleet-indexing queries", "#"],
    ["a%", "'%' is not supported in fleet-indexing queries", "%"],
    ["`a`", "'`' is not supported in fleet-indexing queries", "`"],
    ["a/b/", "'/' is not supported in fleet-indexing queries (there are no regular expressions)", "/"],
    ["a;b", "';' is not supported in fleet-indexing queries", ";"],
    ["a,b", "',' is only supported in geo queries", ","],
    ["thingName:'abc'", `Use double quotes for a phrase ("like this"); single quotes are not supported`, "'"],
    ["a && b", "Use AND instead of '&&'", "&&"],
    ["a || b", "Use OR instead of '||'", "||"],
    ["!a", "Use NOT instead of '!'", "!"],
    ["+a", "'+' is not supported: every term is required by default (the default operator is AND)", "+"],
    ["a^2", "Boosting ('^') is not supported in fleet-indexing queries", "^"],
    ["roam~", "Fuzzy and proximity searches ('~') are not supported in fleet-indexing queries", "~"],
    ['"a b"~2', "Fuzzy and proximity searches ('~') are not supported in fleet-indexing queries", "~"],
    ["a:b AND (c OR d", "Missing closing parenthesis for the one opened here", "("],
    // Errors are reported left to right: the first mistake wins.
    ["(a @ b", "'@' is not supported in fleet-indexing queries", "@"],
    ["AND a @", "'AND' needs a search term before it", "AND"],
  ];
  it.each(cases)("%j", (query, message, underlined) => {
    const e = error(query);
    expect(e.message).toBe(message);
    expect(e.underlined).toBe(underlined);
  });

  it("refuses absurd nesting with an error instead of overflowing the stack", () => {
    const e = error("(".repeat(5000) + "a" + ")".repeat(5000));
    expect(e.message).toBe("The query nests parentheses or NOT more than 64 levels deep");
    expect(error("NOT ".repeat(5000) + "a").message).toMatch(/more than 64 levels/);
    expect(parseQuery("(".repeat(30) + "a" + ")".repeat(30)).ok).toBe(true);
  });
});

describe("warnings", () => {
  it("flags '=' used like ':'", () => {
    const r = parseQuery("attributes.os=linux");
    expect(r.ok && r.warnings).toEqual([
      { message: "'attributes.os=linux' is searched as one word; to compare a field write field:value (with ':')", span: { start: 0, end: 19 } },
    ]);
    const fine = parseQuery("attributes.x:a=b");
    expect(fine.ok && fine.warnings).toEqual([]);
  });
});
