import { describe, expect, it } from "vitest";
import { filtersKey, validateThingFilters, type RawThingFilters } from "./filters";
import { loadThingsSearchParams } from "./search-params";

const raw = (over: Partial<RawThingFilters> = {}): RawThingFilters => ({ type: null, attr: null, value: null, prefix: false, size: 50, ...over });

describe("validateThingFilters", () => {
  it("passes a full filter through", () => {
    const v = validateThingFilters(raw({ type: "linux-agent", attr: "site", value: "paris-1", prefix: true, size: 100 }));
    expect(v).toEqual({
      ok: true,
      notes: [],
      filters: { type: "linux-agent", attribute: { name: "site", value: "paris-1", prefix: true }, size: 100 },
    });
  });

  it("rejects attribute values AWS would reject, with a message that names the problem", () => {
    const spaces = validateThingFilters(raw({ attr: "site", value: "paris 1" }));
    expect(spaces.ok).toBe(false);
    if (!spaces.ok) {
      expect(spaces.issues[0].field).toBe("value");
      expect(spaces.issues[0].message).toMatch(/can't contain spaces/);
    }
    const chars = validateThingFilters(raw({ attr: "site", value: "a;b" }));
    expect(chars.ok).toBe(false);
    expect(validateThingFilters(raw({ attr: "site", value: "x".repeat(801) })).ok).toBe(false);
    expect(validateThingFilters(raw({ attr: "site", value: "a=b[0]:c/d@e#f,g.h_i-j" })).ok).toBe(true);
  });

  it("rejects bad names and page sizes", () => {
    expect(validateThingFilters(raw({ type: "linux agent" })).ok).toBe(false);
    expect(validateThingFilters(raw({ attr: "bad name", value: "x" })).ok).toBe(false);
    const size = validateThingFilters(raw({ size: 7 }));
    expect(size.ok).toBe(false);
    if (!size.ok) expect(size.issues[0]).toEqual({ field: "size", message: "Page size must be one of 25, 50, 100, 250." });
  });

  it("treats a half-entered attribute pair as not filtering yet, with a note", () => {
    const v = validateThingFilters(raw({ attr: "site" }));
    expect(v.ok && v.filters.attribute).toBeNull();
    expect(v.ok && v.notes[0]).toMatch(/Enter a value/);
    const w = validateThingFilters(raw({ value: "x", type: "  " }));
    expect(w.ok && w.filters).toEqual({ type: null, attribute: null, size: 50 });
  });

  it("keys differ for different filters and agree for the same", () => {
    const a = validateThingFilters(raw({ type: "a" }));
    const b = validateThingFilters(raw({ type: "b" }));
    if (!a.ok || !b.ok) throw new Error("expected valid");
    expect(filtersKey(a.filters)).not.toBe(filtersKey(b.filters));
    expect(filtersKey(a.filters)).toBe(filtersKey(structuredClone(a.filters)));
  });
});

describe("loadThingsSearchParams", () => {
  it("reads the URL the filter bar writes", () => {
    expect(loadThingsSearchParams(new URLSearchParams("type=gateway&attr=site&value=p&prefix=1&size=25"))).toEqual({
      type: "gateway",
      attr: "site",
      value: "p",
      prefix: true,
      size: 25,
    });
    expect(loadThingsSearchParams(new URLSearchParams(""))).toEqual({ type: null, attr: null, value: null, prefix: false, size: 50 });
  });
});
