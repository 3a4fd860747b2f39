import { describe, expect, it } from "vitest";
import { checkJobDocument, JOB_DOCUMENT_MAX_BYTES, presignedPlaceholder, presignedPlaceholders, utf8Length } from "./document";
import { agentUpdateDocument, applyAgentUpdateFields, DOCUMENT_TEMPLATES, withAgentUpdateFields } from "./document-templates";

const SHA = "a".repeat(64);
const errors = (text: string) =>
  checkJobDocument(text)
    .issues.filter((i) => i.severity === "error")
    .map((i) => i.message);
const warnings = (text: string) =>
  checkJobDocument(text)
    .issues.filter((i) => i.severity === "warning")
    .map((i) => i.message);

describe("checkJobDocument", () => {
  it("accepts a valid agent-update with a presigned placeholder and finds the placeholder", () => {
    const text = JSON.stringify({
      operation: "agent-update",
      version: "7.3.0",
      url: "${aws:iot:s3-presigned-url:https://s3.us-east-1.amazonaws.com/fleet-artifacts/agent/7.3.0.tar.gz}",
      sha256: SHA,
      size: 1024,
    });
    const check = checkJobDocument(text, { region: "us-east-1" });
    expect(check).toMatchObject({ ok: true, operation: "agent-update", issues: [] });
    expect(check.placeholders).toEqual([{ region: "us-east-1", bucket: "fleet-artifacts", key: "agent/7.3.0.tar.gz" }]);
  });

  it("counts UTF-8 bytes against the 32,768-byte limit, not characters", () => {
    expect(utf8Length("é")).toBe(2);
    expect(utf8Length("€")).toBe(3);
    expect(utf8Length("😀")).toBe(4);
    // 16,384 "é" are 32,768 bytes plus the quotes and braces: over the limit at half as many characters.
    const text = JSON.stringify({ operation: "reboot", note: "é".repeat(16_384) });
    expect(text.length).toBeLessThan(JOB_DOCUMENT_MAX_BYTES);
    const check = checkJobDocument(text);
    expect(check.ok).toBe(false);
    expect(check.bytes).toBe(utf8Length(text));
    expect(errors(text)[0]).toMatch(/allows at most 32,768/);
    expect(checkJobDocument(JSON.stringify({ operation: "reboot", note: "e".repeat(32_000) })).ok).toBe(true);
  });

  it("points at where the JSON breaks", () => {
    const text = '{"operation": "reboot",}';
    const check = checkJobDocument(text);
    expect(check.ok).toBe(false);
    expect(check.issues[0]!.message).toMatch(/not valid JSON/);
    expect(check.issues[0]!.from).toBe(text.indexOf("}"));
  });

  it("refuses empty text and non-objects", () => {
    expect(errors("")).toEqual(["Write the job document (JSON)."]);
    expect(errors("[1,2]")).toEqual(["The document must be a JSON object."]);
    expect(errors('"reboot"')).toEqual(["The document must be a JSON object."]);
  });

  it("warns about a missing or unknown operation without refusing it", () => {
    expect(checkJobDocument("{}").ok).toBe(true);
    expect(warnings("{}")[0]).toMatch(/No `operation`/);
    expect(warnings('{"operation":"format-disk"}')[0]).toMatch(/do not know the operation “format-disk”/);
  });

  it("checks agent-update's fields", () => {
    expect(errors(JSON.stringify({ operation: "agent-update" }))).toHaveLength(4);
    expect(errors(JSON.stringify({ operation: "agent-update", version: "1", url: "ftp://x", sha256: SHA, size: 1 }))[0]).toMatch(/needs `url`/);
    expect(errors(JSON.stringify({ operation: "agent-update", version: "1", url: "https://x/y", sha256: "abc", size: 1 }))[0]).toMatch(/SHA-256/);
    expect(errors(JSON.stringify({ operation: "agent-update", version: "1", url: "https://x/y", sha256: SHA, size: 1.5 }))[0]).toMatch(/size/);
  });

  it("checks every blocklist entry, and accepts a list by url + sha256", () => {
    const ok = {
      operation: "blocklist-update",
      version: 3,
      entries: { sha256: [SHA], md5: ["d41d8cd98f00b204e9800998ecf8427e"], domains: ["evil.example.com"], ips: ["10.0.0.1", "10.0.0.0/8", "2001:db8::1"] },
    };
    expect(errors(JSON.stringify(ok))).toEqual([]);
    expect(errors(JSON.stringify({ ...ok, entries: { ...ok.entries, ips: ["10.0.0.1", "300.1.1.1"] } }))).toEqual([
      "`entries.ips[1]` is not a valid IP address.",
    ]);
    expect(errors(JSON.stringify({ ...ok, entries: { sha1: ["xyz"] } }))).toEqual(["`entries.sha1[0]` is not a valid sha1 digest."]);
    expect(errors(JSON.stringify({ ...ok, entries: { urls: [] } }))[0]).toMatch(/not a kind the agents know/);
    expect(errors(JSON.stringify({ operation: "blocklist-update", version: 1, url: "https://x/list.json", sha256: SHA }))).toEqual([]);
    expect(errors(JSON.stringify({ operation: "blocklist-update", version: 1, url: "https://x/list.json" }))[0]).toMatch(/needs its `sha256`/);
    expect(errors(JSON.stringify({ operation: "blocklist-update", version: "1", entries: {} }))[0]).toMatch(/whole number/);
  });

  it("warns when a placeholder names another region", () => {
    const text = JSON.stringify({ operation: "reboot", x: "${aws:iot:s3-presigned-url:https://s3.eu-west-1.amazonaws.com/b/k}" });
    expect(checkJobDocument(text, { region: "us-east-1" }).issues.map((i) => i.message)).toEqual([
      "The placeholder names region eu-west-1; the console's is us-east-1.",
    ]);
  });
});

describe("placeholders and templates", () => {
  it("writes AWS's placeholder format and reads it back", () => {
    const p = presignedPlaceholder("us-east-1", "bucket-1", "agents/a b.bin");
    expect(p).toBe("${aws:iot:s3-presigned-url:https://s3.us-east-1.amazonaws.com/bucket-1/agents/a b.bin}");
    expect(presignedPlaceholders(presignedPlaceholder("us-east-1", "bucket-1", "agents/x.bin"))).toEqual([
      { region: "us-east-1", bucket: "bucket-1", key: "agents/x.bin" },
    ]);
  });

  it("an agent-update for an uploaded artifact passes the check; the empty template does not", () => {
    const text = agentUpdateDocument("7.3.0", { region: "us-east-1", bucket: "fleet-artifacts", key: "agent/7.3.0.bin", sha256: SHA, size: 10 });
    expect(checkJobDocument(text)).toMatchObject({ ok: true, placeholders: [{ bucket: "fleet-artifacts", key: "agent/7.3.0.bin" }] });
    expect(checkJobDocument(DOCUMENT_TEMPLATES.find((t) => t.id === "agent-update")!.text).ok).toBe(false);
    expect(checkJobDocument(DOCUMENT_TEMPLATES.find((t) => t.id === "reboot")!.text).ok).toBe(true);
    expect(checkJobDocument(DOCUMENT_TEMPLATES.find((t) => t.id === "blocklist-update")!.text).ok).toBe(true);
  });
});

describe("withAgentUpdateFields", () => {
  const artifact = { region: "eu-west-1", bucket: "arts", key: "artifacts/7.4.0/a.pkg", sha256: SHA, size: 99 };

  it("sets the artifact's placeholder, digest and size and keeps the operator's other fields", () => {
    const text = JSON.stringify({ operation: "agent-update", version: "7.4.0", note: "canary", url: "", sha256: "", size: 0 });
    const out = JSON.parse(withAgentUpdateFields(text, { artifact }));
    expect(out).toEqual({
      operation: "agent-update",
      version: "7.4.0",
      note: "canary",
      url: "${aws:iot:s3-presigned-url:https://s3.eu-west-1.amazonaws.com/arts/artifacts/7.4.0/a.pkg}",
      sha256: SHA,
      size: 99,
    });
    expect(checkJobDocument(withAgentUpdateFields(text, { artifact })).ok).toBe(true);
  });

  it("changes only the version when no artifact is given, and starts afresh from empty text", () => {
    expect(JSON.parse(withAgentUpdateFields('{"operation":"agent-update","version":"1","size":5}', { version: "2" }))).toEqual({
      operation: "agent-update",
      version: "2",
      size: 5,
    });
    expect(JSON.parse(withAgentUpdateFields("  ", { version: "3" }))).toMatchObject({ operation: "agent-update", version: "3", url: "" });
  });

  it("leaves text that does not parse exactly as typed, and says the fields were not set", () => {
    const typed = '{ "operation": "agent-update", "version": "1", "note": "keep me", }';
    expect(applyAgentUpdateFields(typed, { version: "2" })).toEqual({ text: typed, applied: false });
    expect(applyAgentUpdateFields("[1, 2]", { artifact })).toEqual({ text: "[1, 2]", applied: false });
    expect(withAgentUpdateFields(typed, { artifact })).toBe(typed);
  });
});
