import { describe, expect, it } from "vitest";
import { openConsoleDb } from "@/lib/db/console-db";
import { MAX_PARAMS_CHARS, MAX_SHAPE_PARAMS_BYTES, auditParamsJson, recordAudit } from "./audit";

/** What one record occupies: the length of every stored column. */
function storedRecord(params: unknown, extra: Partial<Parameters<typeof recordAudit>[1]> = {}) {
  const db = openConsoleDb(":memory:");
  recordAudit(db, { actor: "anonymous", role: null, action: "users.create", target: "x", params, result: "denied", ip: "203.0.113.7", ...extra });
  const row = db.prepare("SELECT * FROM audit_log").get() as Record<string, unknown>;
  db.close();
  const size = Object.values(row).reduce<number>((n, v) => n + String(v ?? "").length, 0);
  return { row, size, params: row.params === null ? null : (JSON.parse(row.params as string) as unknown) };
}

const FEW_KB = 6 * 1024;

function nested(depth: number): unknown {
  let v: unknown = { leaf: true };
  for (let i = 0; i < depth; i++) v = { child: v };
  return v;
}

describe("an audit record stays a few KB whatever the input", () => {
  it("keeps small inputs as they are, with secrets redacted", () => {
    const { params } = storedRecord({ username: "alice", role: "viewer", password: "s3cret", tags: ["a", "b"], n: 3, ok: true, none: null });
    expect(params).toEqual({ username: "alice", role: "viewer", password: "[redacted]", tags: ["a", "b"], n: 3, ok: true, none: null });
  });

  it("a 5 MB string: a short preview and its length", () => {
    const { size, params } = storedRecord({ name: "x".repeat(5 * 1024 * 1024) });
    expect(size).toBeLessThan(FEW_KB);
    expect((params as { name: string }).name).toMatch(/^x{64}… \[5242880 characters\]$/);
  });

  it("100k keys: the first ones and how many more", () => {
    const wide: Record<string, number> = {};
    for (let i = 0; i < 100_000; i++) wide[`key${i}`] = i;
    const { size, params } = storedRecord(wide);
    expect(size).toBeLessThan(FEW_KB);
    const p = params as Record<string, unknown>;
    expect(p.key0).toBe(0);
    expect(p["…"]).toMatch(/^\d+ more keys$/);
    expect(Object.keys(p).length).toBeLessThan(100);
  });

  it("10,000 levels deep: cut at a fixed depth, without a stack overflow", () => {
    const { size, params } = storedRecord(nested(10_000));
    expect(size).toBeLessThan(FEW_KB);
    expect(JSON.stringify(params)).toContain("[object, 1 keys]");
  });

  it("huge key names, long arrays, wide values at every level and binary data", () => {
    const hugeKeys: Record<string, string> = {};
    for (let i = 0; i < 50; i++) hugeKeys[`${i}`.padEnd(100_000, "k")] = "v".repeat(199);
    const wideEverywhere = Array.from({ length: 20 }, () =>
      Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`.padEnd(64, "_"), "y".repeat(199)])),
    );
    for (const input of [
      hugeKeys,
      { rows: Array.from({ length: 100_000 }, (_, i) => ({ i })) },
      { a: wideEverywhere, b: wideEverywhere },
      { bytes: new Uint8Array(5 * 1024 * 1024) },
      [new Map([[1, 2]]), new Set([1])],
    ]) {
      const { size, row } = storedRecord(input);
      expect(size).toBeLessThan(FEW_KB);
      expect((row.params as string).length).toBeLessThanOrEqual(MAX_PARAMS_CHARS);
    }
  });

  it("keeps a key named __proto__ as data", () => {
    const { params } = storedRecord(JSON.parse('{"__proto__": {"polluted": 1}, "a": 1}'));
    expect(Object.keys(params as object)).toEqual(["__proto__", "a"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("bounds the other fields too, and stores only a real IP address", () => {
    const { size, row } = storedRecord(undefined, {
      actor: "a".repeat(100_000),
      target: "t".repeat(100_000),
      errorCode: "e".repeat(10_000),
      awsRequestId: "r".repeat(10_000),
      ip: "<img src=x> 1.2.3.4",
    });
    expect(size).toBeLessThan(FEW_KB);
    expect(row.ip).toBe("unknown");
    expect(storedRecord(undefined, { ip: "::ffff:198.51.100.2" }).row.ip).toBe("198.51.100.2");
    expect(storedRecord(undefined, { ip: null }).row.ip).toBeNull();
  });
});

describe("shape detail (callers without a session): no caller text but key names", () => {
  it("keeps each value's type and size, secrets redacted, file names dropped", () => {
    const file = new File(["secret plans"], "plans-for-world-domination.txt");
    expect(
      JSON.parse(auditParamsJson({ name: "alice", n: 42, ok: false, none: null, password: "s3cret", tags: ["a", "b"], obj: { k: "v" }, file }, "shape")),
    ).toEqual({
      name: "[5 characters]",
      n: "[number]",
      ok: "[boolean]",
      none: null,
      password: "[redacted]",
      tags: "[2 items]",
      obj: { k: "[1 characters]" },
      file: "[file, 12 bytes]",
    });
  });

  it(`stays within ${MAX_SHAPE_PARAMS_BYTES} bytes whatever the input`, () => {
    const wide = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`${i}`.padEnd(1000, "語"), { [`${i}`.padEnd(1000, "ü")]: "x".repeat(1000) }]));
    for (const input of [wide, { a: "x".repeat(5_000_000) }, Array.from({ length: 1000 }, () => wide)]) {
      const json = auditParamsJson(input, "shape");
      expect(Buffer.byteLength(json)).toBeLessThanOrEqual(MAX_SHAPE_PARAMS_BYTES);
      expect(json).not.toMatch(/xx/);
    }
  });
});
