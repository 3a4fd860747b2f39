import { describe, expect, it } from "vitest";
import {
  acceptedDocument,
  applyUpdate,
  clientTokenOf,
  computeDelta,
  deltaDocument,
  deltaMetadata,
  depthOf,
  documentsMessage,
  errorDocument,
  getDocument,
  mergeSection,
  metadataOf,
  parseTokenRequest,
  parseUpdateRequest,
  stateBytes,
  type ShadowCore,
} from "./shadow-document";

/** Runs a call that must fail and returns the AwsError (code name, status, message). */
function rejection(fn: () => unknown): { code: string; status?: number; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; status?: number; message: string };
  }
  throw new Error("expected the call to fail");
}

const parse = (doc: unknown) => parseUpdateRequest(JSON.stringify(doc));

describe("parseUpdateRequest", () => {
  it("keeps desired, reported, version and clientToken", () => {
    expect(parse({ state: { desired: { a: 1 }, reported: { b: 2 } }, version: 3, clientToken: "t", other: 1 })).toEqual({
      state: { desired: { a: 1 }, reported: { b: 2 } },
      version: 3,
      clientToken: "t",
    });
  });

  it("keeps a null section (removes it) and reads state: null as clearing both", () => {
    expect(parse({ state: { desired: null } }).state).toEqual({ desired: null });
    expect(parse({ state: null }).state).toEqual({ desired: null, reported: null });
  });

  it.each([
    ["not JSON", "{", 400, "Invalid JSON"],
    ["a JSON array", "[1]", 400, "Invalid JSON"],
    ["no state", '{"desired":{}}', 400, "Missing required node: state"],
    ["a string state", '{"state":"x"}', 400, "State node must be an object"],
    ["an unknown state node", '{"state":{"delta":{}}}', 400, "State contains an invalid node"],
    ["an array desired", '{"state":{"desired":[1]}}', 400, "Desired node must be an object"],
    ["a number reported", '{"state":{"reported":5}}', 400, "Reported node must be an object"],
    ["a string version", '{"state":{},"version":"3"}', 400, "Invalid version"],
    ["a negative version", '{"state":{},"version":-1}', 400, "Invalid version"],
    ["a fractional version", '{"state":{},"version":1.5}', 400, "Invalid version"],
    ["a numeric clientToken", '{"state":{},"clientToken":5}', 400, "Invalid clientToken"],
    ["a 65-byte clientToken", JSON.stringify({ state: {}, clientToken: "x".repeat(65) }), 400, "Invalid clientToken"],
    ["a 33-char two-byte clientToken (66 bytes)", JSON.stringify({ state: {}, clientToken: "é".repeat(33) }), 400, "Invalid clientToken"],
  ])("rejects %s", (_what, body, status, message) => {
    const err = rejection(() => parseUpdateRequest(body));
    expect(err.status).toBe(status);
    expect(err.code).toBe("InvalidRequestException");
    expect(err.message).toBe(message);
  });

  it("accepts a 64-byte clientToken", () => {
    expect(parse({ state: {}, clientToken: "x".repeat(64) }).clientToken).toHaveLength(64);
  });

  it("answers 415 for a body that is not UTF-8", () => {
    const err = rejection(() => parseUpdateRequest(Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d])));
    expect(err.code).toBe("UnsupportedDocumentEncodingException");
    expect(err.status).toBe(415);
  });

  it("allows 6 levels of nesting below a section and rejects 7", () => {
    const nest = (levels: number): unknown => (levels === 1 ? { leaf: 1 } : { n: nest(levels - 1) });
    expect(depthOf(nest(6))).toBe(6);
    expect(() => parse({ state: { desired: nest(6) } })).not.toThrow();
    const err = rejection(() => parse({ state: { reported: nest(7) } }));
    expect(err.status).toBe(400);
    expect(err.message).toBe("JSON contains too many levels of nesting; maximum is 6");
    // Arrays are levels too.
    expect(rejection(() => parse({ state: { desired: { a: { b: { c: { d: { e: [[1]] } } } } } } })).status).toBe(400);
  });

  it.each([10_000, 1_000_000])("rejects %i levels of nesting with the same 400, without overflowing the stack", (levels) => {
    for (const body of [
      `{"state":{"desired":${'{"a":'.repeat(levels)}1${"}".repeat(levels)}}}`,
      `{"state":{"reported":{"a":${"[".repeat(levels)}1${"]".repeat(levels)}}},"clientToken":"t"}`,
    ]) {
      const err = rejection(() => parseUpdateRequest(body));
      expect(err.code).toBe("InvalidRequestException");
      expect(err.status).toBe(400);
      expect(err.message).toBe("JSON contains too many levels of nesting; maximum is 6");
      // What a rejected MQTT update echoes is read from the same text.
      expect(clientTokenOf(body)).toBe(body.includes('"clientToken":"t"') ? "t" : undefined);
    }
  });

  it("rejects null inside an array, at any depth, but not null values of keys", () => {
    expect(rejection(() => parse({ state: { desired: { colors: [null, "RED"] } } })).status).toBe(400);
    expect(rejection(() => parse({ state: { desired: { a: [{ b: [1, null] }] } } })).status).toBe(400);
    expect(() => parse({ state: { desired: { a: [{ b: null }] } } })).not.toThrow();
    expect(() => parse({ state: { desired: { a: null } } })).not.toThrow();
  });
});

describe("metadataOf / mergeSection", () => {
  it("mirrors values with one timestamp per leaf, arrays element by element", () => {
    expect(metadataOf({ a: 1, b: { c: "x" }, d: [1, { e: true }] }, 7)).toEqual({
      a: { timestamp: 7 },
      b: { c: { timestamp: 7 } },
      d: [{ timestamp: 7 }, { e: { timestamp: 7 } }],
    });
  });

  it("merges partially, keeps untouched timestamps, and does not modify its inputs", () => {
    const state = { a: 1, b: { c: 2, d: 3 } };
    const meta = metadataOf(state, 100) as Record<string, unknown>;
    const frozen = JSON.stringify({ state, meta });
    const out = mergeSection(state, meta, { b: { c: 20 }, e: "new" }, 200);
    expect(out.state).toEqual({ a: 1, b: { c: 20, d: 3 }, e: "new" });
    expect(out.metadata).toEqual({ a: { timestamp: 100 }, b: { c: { timestamp: 200 }, d: { timestamp: 100 } }, e: { timestamp: 200 } });
    expect(JSON.stringify({ state, meta })).toBe(frozen);
  });

  it("deletes a key with null, and an object left empty with it", () => {
    const state = { a: 1, b: { c: 2 } };
    const out = mergeSection(state, metadataOf(state, 1) as Record<string, unknown>, { a: null, b: { c: null } }, 2);
    expect(out).toEqual({ state: {}, metadata: {} });
  });

  it("replaces arrays whole and swaps values between types", () => {
    const state = { colors: ["RED", "GREEN", "BLUE"], x: { y: 1 }, z: 5 };
    const out = mergeSection(state, metadataOf(state, 1) as Record<string, unknown>, { colors: ["RED"], x: 3, z: { w: 1 } }, 2);
    expect(out.state).toEqual({ colors: ["RED"], x: 3, z: { w: 1 } });
    expect(out.metadata).toEqual({ colors: [{ timestamp: 2 }], x: { timestamp: 2 }, z: { w: { timestamp: 2 } } });
  });

  it("stores keys such as __proto__ as plain data", () => {
    const patch = JSON.parse('{"__proto__":{"polluted":1},"constructor":2}');
    const out = mergeSection(undefined, undefined, patch, 1);
    expect(Object.keys(out.state)).toEqual(["__proto__", "constructor"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(out.state))).toEqual(patch);
  });
});

describe("computeDelta", () => {
  it("is undefined when desired is absent or matches reported", () => {
    expect(computeDelta(undefined, { a: 1 })).toBeUndefined();
    expect(computeDelta({ a: 1, b: [1, 2] }, { a: 1, b: [1, 2], extra: 3 })).toBeUndefined();
  });

  it("holds every differing or missing desired field, with the nested path kept", () => {
    const desired = { a: 1, b: { c: 2, d: { e: 3, f: 4 } }, g: "x", h: true };
    const reported = { a: 1, b: { c: 2, d: { e: 30, f: 4 } }, h: false, only: 1 };
    expect(computeDelta(desired, reported)).toEqual({ b: { d: { e: 3 } }, g: "x", h: true });
  });

  it("compares arrays whole and copies the whole desired array", () => {
    expect(computeDelta({ list: [1, 2, 3] }, { list: [1, 2] })).toEqual({ list: [1, 2, 3] });
    expect(computeDelta({ list: [{ a: 1 }] }, { list: [{ a: 1 }] })).toBeUndefined();
  });

  it("copies a desired object whole when reported holds another type there", () => {
    expect(computeDelta({ a: { b: 1, c: 2 } }, { a: 5 })).toEqual({ a: { b: 1, c: 2 } });
    expect(computeDelta({ a: 5 }, { a: { b: 1 } })).toEqual({ a: 5 });
  });

  it("takes the desired metadata of exactly the delta's fields", () => {
    const desired = { a: 1, b: { c: 2, d: 3 }, list: [1] };
    const meta = { a: { timestamp: 1 }, b: { c: { timestamp: 2 }, d: { timestamp: 3 } }, list: [{ timestamp: 4 }] };
    const delta = computeDelta(desired, { a: 1, b: { c: 2 } })!;
    expect(delta).toEqual({ b: { d: 3 }, list: [1] });
    expect(deltaMetadata(delta, meta)).toEqual({ b: { d: { timestamp: 3 } }, list: [{ timestamp: 4 }] });
  });
});

describe("applyUpdate", () => {
  const req = (doc: unknown) => parse(doc);
  const first = applyUpdate(undefined, 0, req({ state: { desired: { a: 1 }, reported: { a: 0 } } }), 100);

  it("creates version baseVersion + 1 stamped with the time", () => {
    expect(first).toEqual({
      state: { desired: { a: 1 }, reported: { a: 0 } },
      metadata: { desired: { a: { timestamp: 100 } }, reported: { a: { timestamp: 100 } } },
      version: 1,
      timestamp: 100,
    });
    expect(applyUpdate(undefined, 7, req({ state: { desired: { a: 1 } } }), 1).version).toBe(8);
  });

  it("removes a section set to null and leaves the other alone", () => {
    const next = applyUpdate(first, 1, req({ state: { desired: null } }), 200);
    expect(next.state).toEqual({ reported: { a: 0 } });
    expect(next.metadata).toEqual({ reported: { a: { timestamp: 100 } } });
    expect(next.version).toBe(2);
  });

  it("checks the version only when the request carries one", () => {
    expect(applyUpdate(first, 1, req({ state: { desired: { a: 2 } }, version: 1 }), 2).version).toBe(2);
    const err = rejection(() => applyUpdate(first, 1, req({ state: { desired: { a: 2 } }, version: 0 }), 2));
    expect(err).toMatchObject({ code: "ConflictException", status: 409, message: "Version conflict" });
  });

  it("limits desired + reported to 8 KB after the merge, metadata not counted", () => {
    const half = "x".repeat(4000);
    const a = applyUpdate(undefined, 0, req({ state: { desired: { v: half } } }), 1);
    const b = applyUpdate(a, 1, req({ state: { reported: { v: half } } }), 1);
    expect(stateBytes(b.state)).toBe(2 * JSON.stringify({ v: half }).length);
    const err = rejection(() => applyUpdate(b, 2, req({ state: { reported: { w: "y".repeat(300) } } }), 1));
    expect(err).toMatchObject({ code: "RequestEntityTooLargeException", status: 413 });
    // Exactly 8192 bytes in one section is allowed.
    const exact = "z".repeat(8192 - JSON.stringify({ v: "" }).length);
    expect(() => applyUpdate(undefined, 0, req({ state: { desired: { v: exact } } }), 1)).not.toThrow();
    expect(() => applyUpdate(undefined, 0, req({ state: { desired: { v: exact + "z" } } }), 1)).toThrow();
  });
});

describe("documents", () => {
  const shadow: ShadowCore = applyUpdate(undefined, 4, parse({ state: { desired: { a: 1, b: [1, 2] }, reported: { a: 1, b: [1] } } }), 50);

  it("GET: state with delta, metadata of desired and reported, version, time of the answer", () => {
    expect(getDocument(shadow, 60)).toEqual({
      state: { desired: { a: 1, b: [1, 2] }, reported: { a: 1, b: [1] }, delta: { b: [1, 2] } },
      metadata: { desired: { a: { timestamp: 50 }, b: [{ timestamp: 50 }, { timestamp: 50 }] }, reported: { a: { timestamp: 50 }, b: [{ timestamp: 50 }] } },
      version: 5,
      timestamp: 60,
    });
  });

  it("accepted: what was sent (nulls included) with its metadata and the client token", () => {
    expect(acceptedDocument(parse({ state: { desired: { a: null, b: { c: 1 } }, reported: null }, clientToken: "tok" }), 9, 70)).toEqual({
      state: { desired: { a: null, b: { c: 1 } }, reported: null },
      metadata: { desired: { a: { timestamp: 70 }, b: { c: { timestamp: 70 } } }, reported: { timestamp: 70 } },
      version: 9,
      timestamp: 70,
      clientToken: "tok",
    });
  });

  it("delta and documents messages", () => {
    expect(deltaDocument(shadow, 80, "t")).toEqual({
      state: { b: [1, 2] },
      metadata: { b: [{ timestamp: 50 }, { timestamp: 50 }] },
      version: 5,
      timestamp: 80,
      clientToken: "t",
    });
    expect(deltaDocument({ ...shadow, state: { desired: { a: 1 }, reported: { a: 1 } } }, 80)).toBeUndefined();
    const msg = documentsMessage(undefined, shadow, 90);
    expect(msg).toEqual({ current: { state: shadow.state, metadata: shadow.metadata, version: 5 }, timestamp: 90 });
  });
});

describe("MQTT request and error documents", () => {
  const shadow: ShadowCore = applyUpdate(undefined, 0, parse({ state: { desired: { a: 2 }, reported: { a: 1 } } }), 10);

  it("get/accepted: the GET document with the request's client token", () => {
    expect(getDocument(shadow, 20, "g-1")).toEqual({ ...getDocument(shadow, 20), clientToken: "g-1" });
    expect(getDocument(shadow, 20)).not.toHaveProperty("clientToken");
  });

  it("error document: code, message, timestamp and the token when there is one", () => {
    expect(errorDocument(409, "Version conflict", 30, "t")).toEqual({ code: 409, message: "Version conflict", timestamp: 30, clientToken: "t" });
    expect(errorDocument(400, "Invalid JSON", 30)).toEqual({ code: 400, message: "Invalid JSON", timestamp: 30 });
  });

  it("clientTokenOf: the token of valid JSON whatever else is wrong, never an invalid token", () => {
    expect(clientTokenOf('{"clientToken":"abc"}')).toBe("abc");
    expect(clientTokenOf(Buffer.from('{"state":5,"clientToken":"x"}'))).toBe("x");
    expect(clientTokenOf('{"clientToken":"abc"')).toBeUndefined();
    expect(clientTokenOf('["clientToken"]')).toBeUndefined();
    expect(clientTokenOf('{"clientToken":12}')).toBeUndefined();
    expect(clientTokenOf(JSON.stringify({ clientToken: "x".repeat(65) }))).toBeUndefined();
    expect(clientTokenOf(JSON.stringify({ clientToken: "x".repeat(64) }))).toBe("x".repeat(64));
    expect(clientTokenOf(Buffer.from([0xff, 0xfe]))).toBeUndefined();
  });

  it("parseTokenRequest: empty or {clientToken}; other content ignored; an invalid token refused", () => {
    expect(parseTokenRequest(Buffer.alloc(0))).toEqual({});
    expect(parseTokenRequest("")).toEqual({});
    expect(parseTokenRequest('{"clientToken":"d-1"}')).toEqual({ clientToken: "d-1" });
    expect(parseTokenRequest('{"clientToken":null}')).toEqual({});
    expect(parseTokenRequest("not json")).toEqual({});
    expect(parseTokenRequest("[1]")).toEqual({});
    expect(parseTokenRequest(Buffer.from([0xc3, 0x28]))).toEqual({});
    for (const bad of [{ clientToken: 5 }, { clientToken: "é".repeat(33) }]) {
      expect(rejection(() => parseTokenRequest(JSON.stringify(bad)))).toMatchObject({ status: 400, message: "Invalid clientToken" });
    }
  });
});
