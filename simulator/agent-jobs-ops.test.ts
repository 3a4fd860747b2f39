import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { download } from "./agent-jobs-download";
import {
  cleanDetails,
  DEFAULT_JOB_SETTINGS,
  detailValue,
  executionFate,
  isBadBuild,
  parseJobDocument,
  runOperation,
  type Details,
  type JobSettings,
  type JsonObject,
  type Operation,
  type OpRuntime,
  type Outcome,
} from "./agent-jobs-ops";
import { Rng } from "./rng";

/**
 * The operations of docs/agent-jobs.md, run over a runtime that records progress and
 * shadow reports; downloads go to a real HTTP server on a free port.
 */

const ARTIFACT = randomBytes(200_000);
const ARTIFACT_SHA = createHash("sha256").update(ARTIFACT).digest("hex");
const H64 = "c".repeat(64);
const files = new Map<string, Buffer>([["/agent-7.3.0.pkg", ARTIFACT]]);
let requests: string[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url!, "http://x").pathname;
    requests.push(path);
    const body = files.get(path);
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { "content-length": body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  requests = [];
});

const quick: JobSettings = { ...DEFAULT_JOB_SETTINGS, installMs: 1, restartMs: 1000, rebootMs: 2000 };

interface Run {
  rt: OpRuntime;
  progress: Details[];
  reports: JsonObject[];
  abort: AbortController;
}

function runtime(
  o: { details?: Details; executionNumber?: number; fate?: OpRuntime["fate"]; version?: string; blocklist?: number; settings?: JobSettings } = {},
): Run {
  const progress: Details[] = [];
  const reports: JsonObject[] = [];
  const abort = new AbortController();
  const rt: OpRuntime = {
    executionNumber: o.executionNumber ?? 1,
    details: o.details ?? {},
    fate: o.fate ?? { fate: "normal", badBuildFails: false },
    settings: o.settings ?? quick,
    facts: { agentVersion: () => o.version ?? "7.2.0", blocklistVersion: () => o.blocklist ?? 1042, report: (p) => reports.push(p) },
    signal: abort.signal,
    progress: (d) => progress.push(d),
    sleep: () => Promise.resolve(),
    rng: new Rng(7),
    download: (opts) => download({ ...opts, retryDelayMs: 1, signal: abort.signal }),
  };
  return { rt, progress, reports, abort };
}

function op(doc: unknown): Operation {
  const parsed = parseJobDocument(doc);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.op;
}

const update = (over: JsonObject = {}) =>
  op({ operation: "agent-update", version: "7.3.0", url: `${base}/agent-7.3.0.pkg?X-Amz-Signature=x`, sha256: ARTIFACT_SHA, size: 200_000, ...over });

describe("job documents", () => {
  it("parses each operation, from an object (MQTT) or a JSON string (HTTP)", () => {
    expect(parseJobDocument({ operation: "reboot" })).toEqual({ ok: true, op: { operation: "reboot" } });
    expect(parseJobDocument('{"operation":"blocklist-update","version":7,"entries":{"md5":[]}}')).toEqual({
      ok: true,
      op: { operation: "blocklist-update", version: 7, entries: { md5: [] } },
    });
    expect(parseJobDocument({ operation: "agent-update", version: "7.3.0", url: "https://s3.example/b/k", sha256: H64.toUpperCase(), size: 5 })).toEqual({
      ok: true,
      op: { operation: "agent-update", version: "7.3.0", url: "https://s3.example/b/k", sha256: H64, size: 5 },
    });
  });

  it("refuses an unknown operation with UNKNOWN_OPERATION", () => {
    expect(parseJobDocument({ operation: "format-disk" })).toEqual({
      ok: false,
      reason: "UNKNOWN_OPERATION",
      message: 'the agent does not know the operation "format-disk"',
    });
  });

  it.each([
    ["not JSON", "{"],
    ["an array", [1]],
    ["no operation", { version: "1" }],
    ["agent-update without url", { operation: "agent-update", version: "7.3.0", sha256: H64 }],
    ["agent-update with a file URL", { operation: "agent-update", version: "7.3.0", url: "file:///etc/passwd", sha256: H64 }],
    ["agent-update with a short sha256", { operation: "agent-update", version: "7.3.0", url: "https://x/y", sha256: "abc" }],
    ["agent-update with a version with spaces", { operation: "agent-update", version: "7 3", url: "https://x/y", sha256: H64 }],
    ["agent-update with size 0", { operation: "agent-update", version: "7.3.0", url: "https://x/y", sha256: H64, size: 0 }],
    ["blocklist-update with version 0", { operation: "blocklist-update", version: 0, entries: {} }],
    ["blocklist-update with a string version", { operation: "blocklist-update", version: "3", entries: {} }],
    ["blocklist-update with entries and url", { operation: "blocklist-update", version: 3, entries: {}, url: "https://x/y", sha256: H64 }],
    ["blocklist-update with neither", { operation: "blocklist-update", version: 3 }],
    ["blocklist-update with url but no sha256", { operation: "blocklist-update", version: 3, url: "https://x/y" }],
  ])("refuses %s with INVALID_DOCUMENT", (_what, doc) => {
    expect(parseJobDocument(doc)).toMatchObject({ ok: false, reason: "INVALID_DOCUMENT" });
  });
});

describe("statusDetails values the agent sends", () => {
  // What the service takes (DetailsValue): 1 to 1024 UTF-16 code units, none of them \p{C}.
  const acceptable = (v: string) => v.length >= 1 && v.length <= 1024 && !/\p{C}/u.test(v);

  it("lose control, format and private-use characters, and unpaired surrogates", () => {
    expect(detailValue("exa\u200bmple.com\u0000\ufeff\ue000\ud800!")).toBe("example.com!");
  });

  it("are cut at a code point with ... when longer than 1024, never inside a surrogate pair", () => {
    for (const pad of ["", "x"]) {
      const v = detailValue(pad + "\u{1F600}".repeat(600));
      expect(acceptable(v)).toBe(true);
      expect(v.endsWith("\u{1F600}...")).toBe(true);
      expect(v.length).toBeGreaterThan(1018);
    }
    expect(detailValue("a".repeat(1024))).toBe("a".repeat(1024));
    expect(detailValue("a".repeat(1025))).toBe(`${"a".repeat(1021)}...`);
  });

  it("drop a key whose value has nothing printable left", () => {
    expect(cleanDetails({ reason: "INVALID_ENTRY", message: "\u200b\u200c", step: "" })).toEqual({ reason: "INVALID_ENTRY" });
  });
});

describe("agent-update", () => {
  it("downloads, verifies and installs, then asks for a restart with where it is in the details", async () => {
    const { rt, progress, reports } = runtime();
    const out = await runOperation(update(), rt);
    expect(out).toEqual({ restart: "restart", ms: expect.any(Number), details: { step: "restarting", version: "7.3.0", from: "7.2.0", execution: "1" } });
    expect((out as { ms: number }).ms).toBeGreaterThanOrEqual(500);
    expect((out as { ms: number }).ms).toBeLessThanOrEqual(1500);
    expect(requests).toEqual(["/agent-7.3.0.pkg"]);
    expect(progress[0]).toEqual({ step: "downloading", percent: "0", version: "7.3.0" });
    expect(progress[progress.length - 1]).toEqual({ step: "installing", percent: "100", version: "7.3.0" });
    // The version is reported only once the new build runs (after the restart).
    expect(reports).toEqual([]);
  });

  it("after the restart reports the new version in the shadow and succeeds", async () => {
    const { rt, reports } = runtime({ details: { step: "restarting", version: "7.3.0", from: "7.2.0", execution: "1" } });
    expect(await runOperation(update(), rt)).toEqual({ status: "SUCCEEDED", details: { step: "done", version: "7.3.0" } });
    expect(reports).toEqual([{ agent: { version: "7.3.0" } }]);
    expect(requests).toEqual([]);
  });

  it("starts over when the restart details belong to another execution (a retry) or version", async () => {
    for (const details of [
      { step: "restarting", version: "7.3.0", execution: "1" },
      { step: "restarting", version: "7.2.9", execution: "2" },
    ]) {
      const { rt } = runtime({ executionNumber: 2, details });
      expect(await runOperation(update(), rt)).toMatchObject({ restart: "restart" });
    }
    expect(requests).toHaveLength(2);
  });

  it("fails with DIGEST_MISMATCH and installs nothing when the artifact is not the one named", async () => {
    const { rt, progress, reports } = runtime();
    const out = await runOperation(update({ sha256: H64 }), rt);
    expect(out).toMatchObject({ status: "FAILED", details: { step: "downloading", reason: "DIGEST_MISMATCH" } });
    expect(progress.some((p) => p.step === "installing")).toBe(false);
    expect(reports).toEqual([]);
  });

  it("fails with DOWNLOAD_FAILED on a presigned URL that no longer works", async () => {
    const { rt } = runtime();
    const out = await runOperation(update({ url: `${base}/gone.pkg` }), rt);
    expect(out).toEqual({ status: "FAILED", details: { step: "downloading", reason: "DOWNLOAD_FAILED", message: "HTTP 404 from the artifact URL" } });
  });

  it("succeeds at once when the version is already installed", async () => {
    const { rt } = runtime({ version: "7.3.0" });
    expect(await runOperation(update(), rt)).toEqual({ status: "SUCCEEDED", details: { step: "done", version: "7.3.0", note: "already installed" } });
    expect(requests).toEqual([]);
  });

  it("a simulated download failure fails without fetching", async () => {
    const { rt } = runtime({ fate: { fate: "download-fails", badBuildFails: false } });
    expect(await runOperation(update(), rt)).toMatchObject({ status: "FAILED", details: { step: "downloading", reason: "DOWNLOAD_FAILED" } });
    expect(requests).toEqual([]);
  });

  it("a simulated install failure fails at the install step, with no restart", async () => {
    const { rt, reports } = runtime({ fate: { fate: "install-fails", badBuildFails: false } });
    const out = await runOperation(update(), rt);
    expect(out).toMatchObject({ status: "FAILED", details: { step: "installing", reason: "INSTALL_FAILED" } });
    expect(reports).toEqual([]);
  });

  it("a hanging execution reports once and never finishes until the agent lets go of it", async () => {
    const { rt, progress, abort } = runtime({ fate: { fate: "hang", badBuildFails: false } });
    let settled = false;
    const p = runOperation(update(), rt).finally(() => (settled = true));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    expect(progress).toEqual([{ step: "downloading", percent: "0", version: "7.3.0" }]);
    abort.abort();
    await expect(p).rejects.toBeDefined();
  });

  it("a bad build fails its health check after the restart and rolls back, for the agents it fails on", async () => {
    const details = { step: "restarting", version: "7.3.0-bad", from: "7.2.0", execution: "1" };
    const bad = runtime({ details, fate: { fate: "normal", badBuildFails: true } });
    expect(await runOperation(update({ version: "7.3.0-bad" }), bad.rt)).toEqual({
      status: "FAILED",
      details: {
        step: "starting",
        reason: "HEALTH_CHECK_FAILED",
        message: "7.3.0-bad failed its health check after the restart; rolled back to 7.2.0",
        version: "7.2.0",
      },
    });
    expect(bad.reports).toEqual([]);
    const lucky = runtime({ details, fate: { fate: "normal", badBuildFails: false } });
    expect(await runOperation(update({ version: "7.3.0-bad" }), lucky.rt)).toMatchObject({ status: "SUCCEEDED" });
    // A good build never fails its health check.
    const good = runtime({ details: { ...details, version: "7.3.0" }, fate: { fate: "normal", badBuildFails: true } });
    expect(await runOperation(update(), good.rt)).toMatchObject({ status: "SUCCEEDED" });
  });

  it("names bad builds by suffix or by list", () => {
    expect(isBadBuild("7.3.0-bad", quick)).toBe(true);
    expect(isBadBuild("7.3.0", quick)).toBe(false);
    expect(isBadBuild("7.3.1", { ...quick, badBuildVersions: ["7.3.1"] })).toBe(true);
    expect(isBadBuild("7.3.1-badger", quick)).toBe(false);
  });
});

describe("blocklist-update", () => {
  const entries = { sha256: [H64], domains: ["evil.example.com", "EVIL.example.com"], ips: ["203.0.113.9"] };

  it("applies an inline list and reports version and distinct entry count", async () => {
    const { rt, reports, progress } = runtime();
    const out = await runOperation(op({ operation: "blocklist-update", version: 1043, entries }), rt);
    expect(out).toEqual({ status: "SUCCEEDED", details: { step: "done", version: "1043", entries: "3" } });
    expect(reports).toEqual([{ blocklist: { version: 1043, entries: 3 } }]);
    expect(progress.map((p) => p.step)).toEqual(["validating", "applying"]);
  });

  it("rejects the whole list for one malformed entry and applies nothing", async () => {
    const { rt, reports, progress } = runtime();
    const out = await runOperation(op({ operation: "blocklist-update", version: 1043, entries: { ...entries, md5: ["nothex"] } }), rt);
    expect(out).toEqual({ status: "REJECTED", details: { reason: "INVALID_ENTRY", message: 'entries.md5[0]: "nothex" is not 32 hex digits' } });
    expect(reports).toEqual([]);
    expect(progress.some((p) => p.step === "applying")).toBe(false);
  });

  it("rejects a version older than the installed one", async () => {
    const { rt, reports } = runtime({ blocklist: 1042 });
    const out = await runOperation(op({ operation: "blocklist-update", version: 1041, entries }), rt);
    expect(out).toEqual({ status: "REJECTED", details: { reason: "BLOCKLIST_DOWNGRADE", message: "version 1041 is older than the installed 1042" } });
    expect(reports).toEqual([]);
  });

  it("downloads a list file by URL, checks its digest, and applies it", async () => {
    const file = Buffer.from(JSON.stringify({ version: 2000, entries: { md5: ["0123456789abcdef0123456789abcdef"], ips: ["10.1.0.0/16"] } }));
    files.set("/list-2000.json", file);
    const sha = createHash("sha256").update(file).digest("hex");
    const { rt, reports } = runtime();
    const out = await runOperation(op({ operation: "blocklist-update", version: 2000, url: `${base}/list-2000.json`, sha256: sha }), rt);
    expect(out).toEqual({ status: "SUCCEEDED", details: { step: "done", version: "2000", entries: "2" } });
    expect(reports).toEqual([{ blocklist: { version: 2000, entries: 2 } }]);

    const wrongDigest = runtime();
    expect(await runOperation(op({ operation: "blocklist-update", version: 2000, url: `${base}/list-2000.json`, sha256: H64 }), wrongDigest.rt)).toMatchObject({
      status: "FAILED",
      details: { reason: "DIGEST_MISMATCH" },
    });
    expect(wrongDigest.reports).toEqual([]);
  });

  it.each([
    ["not JSON", "{nope", "the list file is not JSON"],
    ["without entries", JSON.stringify({ sha256: [H64] }), 'the list file has no "entries"'],
    ["of another version", JSON.stringify({ version: 1999, entries: {} }), "the list file is version 1999, the job says 2000"],
  ])("rejects a list file %s", async (_what, text, message) => {
    const file = Buffer.from(text);
    files.set("/bad.json", file);
    const { rt, reports } = runtime();
    const sha = createHash("sha256").update(file).digest("hex");
    const out = await runOperation(op({ operation: "blocklist-update", version: 2000, url: `${base}/bad.json`, sha256: sha }), rt);
    expect(out).toEqual({ status: "REJECTED", details: { reason: "INVALID_DOCUMENT", message } });
    expect(reports).toEqual([]);
  });
});

describe("reboot", () => {
  it("asks to go offline with where it is stored, and succeeds when back", async () => {
    const first = runtime({ executionNumber: 3 });
    const out: Outcome = await runOperation({ operation: "reboot" }, first.rt);
    expect(out).toEqual({ restart: "reboot", ms: expect.any(Number), details: { step: "rebooting", execution: "3" } });
    const back = runtime({ executionNumber: 3, details: { step: "rebooting", execution: "3" } });
    expect(await runOperation({ operation: "reboot" }, back.rt)).toEqual({ status: "SUCCEEDED", details: { step: "done" } });
  });
});

describe("execution fates", () => {
  const none = { ...quick, downloadFailPercent: 0, installFailPercent: 0, hangPercent: 0, badBuildFailPercent: 0 };

  it("follows the shares", () => {
    const count = (s: JobSettings) => {
      const n: Record<string, number> = {};
      for (let i = 0; i < 1000; i++) {
        const f = executionFate(Rng.for(1, "job", i, "j", 1), s);
        n[f.fate] = (n[f.fate] ?? 0) + 1;
        if (f.badBuildFails) n.bad = (n.bad ?? 0) + 1;
      }
      return n;
    };
    expect(count(none)).toEqual({ normal: 1000 });
    expect(count({ ...none, hangPercent: 100 })).toEqual({ hang: 1000 });
    expect(count({ ...none, downloadFailPercent: 100 })).toEqual({ "download-fails": 1000 });
    expect(count({ ...none, installFailPercent: 100, badBuildFailPercent: 100 })).toEqual({ "install-fails": 1000, bad: 1000 });
    const mixed = count({ ...none, hangPercent: 10, downloadFailPercent: 20, installFailPercent: 30, badBuildFailPercent: 90 });
    expect(mixed.hang).toBeGreaterThan(60);
    expect(mixed.hang).toBeLessThan(140);
    expect(mixed["download-fails"]).toBeGreaterThan(150);
    expect(mixed["download-fails"]).toBeLessThan(250);
    expect(mixed["install-fails"]).toBeGreaterThan(250);
    expect(mixed["install-fails"]).toBeLessThan(350);
    expect(mixed.bad).toBeGreaterThan(860);
    expect(mixed.bad).toBeLessThan(940);
  });
});
