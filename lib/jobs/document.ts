/**
 * Checks a job document as the operator types it: AWS's limits (UTF-8 JSON, at most
 * 32,768 bytes), the presigned-URL placeholders it carries, and the fields of the
 * operations the fleet's agents understand (docs/agent-jobs.md). Pure and dependency-free:
 * the editor (every pause in typing), the wizard's review and the create-job action run
 * the same check.
 */

/** CreateJob's `document` limit (botocore JobDocument max 32768). */
export const JOB_DOCUMENT_MAX_BYTES = 32_768;

export interface DocumentIssue {
  severity: "error" | "warning";
  message: string;
  /** Character offsets in the text the issue points at (the whole text when unknown). */
  from: number;
  to: number;
}

/** A `${aws:iot:s3-presigned-url:https://s3.<region>.amazonaws.com/<bucket>/<key>}` in the document. */
export interface PresignedPlaceholder {
  region: string | null;
  bucket: string;
  key: string;
}

export interface DocumentCheck {
  /** No errors (warnings allowed). */
  ok: boolean;
  /** UTF-8 bytes, what AWS counts. */
  bytes: number;
  operation: string | null;
  placeholders: PresignedPlaceholder[];
  issues: DocumentIssue[];
}

export const KNOWN_OPERATIONS = ["agent-update", "blocklist-update", "reboot"] as const;

const PLACEHOLDER = /\$\{aws:iot:s3-presigned-url:https:\/\/s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com\/([^/}\s]+)\/([^}\s]+)\}/g;
const HEX = { sha256: /^[0-9a-f]{64}$/i, sha1: /^[0-9a-f]{40}$/i, md5: /^[0-9a-f]{32}$/i } as const;
// A host name: labels of letters, digits and hyphens, not starting or ending with one.
const DOMAIN = /^(?=.{1,253}$)(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\/(?:3[0-2]|[12]?\d))?$/;
const IPV6 = /^[0-9a-f:]*:[0-9a-f:.]*(?:\/(?:12[0-8]|1[01]\d|[1-9]?\d))?$/i;

export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair is one 4-byte character.
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Where JSON.parse stopped, from its message (V8: "… at position 12"); null when it does not say. */
function parseErrorOffset(err: unknown): number | null {
  const m = /at position (\d+)/.exec(err instanceof Error ? err.message : "");
  return m ? Number(m[1]) : null;
}

/** The placeholders of a document's text. */
export function presignedPlaceholders(text: string): PresignedPlaceholder[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => ({ region: m[1] ?? null, bucket: m[2]!, key: m[3]! }));
}

/** The placeholder for an object, as AWS IoT Jobs expects it in a document. */
export function presignedPlaceholder(region: string, bucket: string, key: string): string {
  return `\${aws:iot:s3-presigned-url:https://s3.${region}.amazonaws.com/${bucket}/${key}}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Where a top-level key's value starts in the text, for pointing at it (the whole text if not found). */
function spanOf(text: string, key: string): { from: number; to: number } {
  const i = text.indexOf(JSON.stringify(key));
  return i < 0 ? { from: 0, to: text.length } : { from: i, to: i + key.length + 2 };
}

function checkEntries(entries: unknown, problems: string[]): void {
  if (!isObject(entries)) {
    problems.push("`entries` must be an object of lists (sha256, sha1, md5, domains, ips).");
    return;
  }
  const kinds: Record<string, (s: string) => boolean> = {
    sha256: (s) => HEX.sha256.test(s),
    sha1: (s) => HEX.sha1.test(s),
    md5: (s) => HEX.md5.test(s),
    domains: (s) => DOMAIN.test(s),
    ips: (s) => IPV4.test(s) || IPV6.test(s),
  };
  for (const [kind, list] of Object.entries(entries)) {
    const valid = kinds[kind];
    if (!valid) {
      problems.push(`\`entries.${kind}\` is not a kind the agents know (sha256, sha1, md5, domains, ips).`);
      continue;
    }
    if (!Array.isArray(list)) {
      problems.push(`\`entries.${kind}\` must be a list.`);
      continue;
    }
    const bad = list.findIndex((e) => typeof e !== "string" || !valid(e));
    // Agents reject the whole document for one bad entry, so the first is enough to show.
    if (bad >= 0)
      problems.push(`\`entries.${kind}[${bad}]\` is not a valid ${kind === "ips" ? "IP address" : kind === "domains" ? "domain" : `${kind} digest`}.`);
  }
}

/** The operation-specific problems of a parsed document (each an error: the agents would reject it). */
function operationProblems(doc: Record<string, unknown>): Array<{ key: string; message: string }> {
  const out: Array<{ key: string; message: string }> = [];
  const need = (key: string, ok: boolean, message: string) => {
    if (!ok) out.push({ key, message });
  };
  switch (doc.operation) {
    case "agent-update": {
      need("version", typeof doc.version === "string" && doc.version.trim() !== "", "agent-update needs `version`, the version to install (a string).");
      need(
        "url",
        typeof doc.url === "string" && (presignedPlaceholders(doc.url).length === 1 || /^https?:\/\//.test(doc.url)),
        "agent-update needs `url`: the artifact's presigned-URL placeholder (upload it above) or an http(s) URL.",
      );
      need("sha256", typeof doc.sha256 === "string" && HEX.sha256.test(doc.sha256), "agent-update needs `sha256`, the artifact's SHA-256 (64 hex digits).");
      need("size", Number.isSafeInteger(doc.size) && (doc.size as number) > 0, "agent-update needs `size`, the artifact's size in bytes.");
      break;
    }
    case "blocklist-update": {
      need("version", Number.isSafeInteger(doc.version) && (doc.version as number) >= 0, "blocklist-update needs `version`, a whole number.");
      if (doc.entries !== undefined) {
        const problems: string[] = [];
        checkEntries(doc.entries, problems);
        for (const p of problems) out.push({ key: "entries", message: p });
      } else {
        need("url", typeof doc.url === "string" && doc.url !== "", "blocklist-update needs `entries`, or `url` and `sha256` of a file with them.");
        need("sha256", typeof doc.sha256 === "string" && HEX.sha256.test(doc.sha256), "A blocklist by `url` needs its `sha256` (64 hex digits).");
      }
      break;
    }
  }
  return out;
}

/** The check of a document's text. */
export function checkJobDocument(text: string, opts: { region?: string } = {}): DocumentCheck {
  const issues: DocumentIssue[] = [];
  const whole = { from: 0, to: text.length };
  const bytes = utf8Length(text);
  const placeholders = presignedPlaceholders(text);
  if (text.trim() === "") {
    issues.push({ severity: "error", message: "Write the job document (JSON).", ...whole });
    return { ok: false, bytes, operation: null, placeholders, issues };
  }
  if (bytes > JOB_DOCUMENT_MAX_BYTES) {
    issues.push({
      severity: "error",
      message: `The document is ${bytes.toLocaleString("en-US")} bytes; AWS IoT Jobs allows at most ${JOB_DOCUMENT_MAX_BYTES.toLocaleString("en-US")}. Move large data to a file in S3 and reference it by URL.`,
      ...whole,
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const at = parseErrorOffset(err);
    issues.push({
      severity: "error",
      message: "The document is not valid JSON" + (at === null ? "." : ` (at character ${at + 1}).`),
      ...(at === null ? whole : { from: at, to: Math.min(text.length, at + 1) }),
    });
    return { ok: false, bytes, operation: null, placeholders, issues };
  }
  if (!isObject(doc)) {
    issues.push({ severity: "error", message: "The document must be a JSON object.", ...whole });
    return { ok: false, bytes, operation: null, placeholders, issues };
  }
  const operation = typeof doc.operation === "string" ? doc.operation : null;
  if (operation === null) {
    issues.push({ severity: "warning", message: "No `operation`: the fleet's agents reject a document that does not name one.", ...whole });
  } else if (!(KNOWN_OPERATIONS as readonly string[]).includes(operation)) {
    issues.push({
      severity: "warning",
      message: `The agents do not know the operation “${operation}” and will reject it (they know ${KNOWN_OPERATIONS.join(", ")}).`,
      ...spanOf(text, "operation"),
    });
  }
  for (const p of operationProblems(doc)) issues.push({ severity: "error", message: p.message, ...spanOf(text, p.key) });
  for (const p of placeholders) {
    if (opts.region && p.region && p.region !== opts.region) {
      issues.push({ severity: "warning", message: `The placeholder names region ${p.region}; the console's is ${opts.region}.`, ...whole });
    }
  }
  return { ok: !issues.some((i) => i.severity === "error"), bytes, operation, placeholders, issues };
}
