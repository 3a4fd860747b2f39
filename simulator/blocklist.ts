import { isIP } from "node:net";

/**
 * The blocklist an agent enforces, as the `blocklist-update` job delivers it
 * (docs/agent-jobs.md): file digests, domains and IP addresses. Validation is all or
 * nothing: one malformed entry rejects the whole list, so an agent never runs half of
 * an update.
 */

export const BLOCKLIST_KINDS = ["sha256", "sha1", "md5", "domains", "ips"] as const;
export type BlocklistKind = (typeof BLOCKLIST_KINDS)[number];

export type BlocklistEntries = Record<BlocklistKind, string[]>;

/** More than an agent holds in memory for a list; a larger one is refused, not truncated. */
export const MAX_BLOCKLIST_ENTRIES = 1_000_000;

/** At most this many problems are named in a rejection (statusDetails values are ≤1024 characters). */
const MAX_PROBLEMS = 3;

export type BlocklistCheck = { ok: true; entries: BlocklistEntries; count: number } | { ok: false; problems: string[] };

const HEX = { sha256: /^[0-9a-f]{64}$/i, sha1: /^[0-9a-f]{40}$/i, md5: /^[0-9a-f]{32}$/i } as const;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A host name (lower case, at most one leading `*.`, no trailing dot): undefined when malformed. */
export function normalDomain(raw: string): string | undefined {
  let name = raw.toLowerCase();
  if (name.endsWith(".")) name = name.slice(0, -1);
  const wildcard = name.startsWith("*.");
  if (wildcard) name = name.slice(2);
  if (name.length === 0 || name.length > 253) return undefined;
  const labels = name.split(".");
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return undefined;
  // An all-numeric last label is an IP address written as a name, not a domain.
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return undefined;
  return (wildcard ? "*." : "") + name;
}

/** An IPv4 or IPv6 address, or a CIDR block of one: undefined when malformed. */
export function normalIp(raw: string): string | undefined {
  const [addr, prefix, ...rest] = raw.split("/");
  if (rest.length > 0) return undefined;
  const family = isIP(addr);
  if (family === 0) return undefined;
  if (prefix === undefined) return addr.toLowerCase();
  if (!/^[0-9]{1,3}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128)) return undefined;
  return `${addr.toLowerCase()}/${Number(prefix)}`;
}

function normalEntry(kind: BlocklistKind, raw: string): string | undefined {
  switch (kind) {
    case "sha256":
    case "sha1":
    case "md5":
      return HEX[kind].test(raw) ? raw.toLowerCase() : undefined;
    case "domains":
      return normalDomain(raw);
    case "ips":
      return normalIp(raw);
  }
}

/**
 * A value quoted for a message to people (a rejection's statusDetails): JSON, at most
 * `max` code points of the value (never half a surrogate pair), and what cannot be shown
 * (control, format, private-use characters: `\p{C}`) written as `\u` escapes, so that
 * `exa\u200bmple.com` reads as what it is and the message stays printable.
 */
export function quoteValue(raw: unknown, max = 64): string {
  let text: string;
  if (typeof raw === "string") text = raw;
  else {
    try {
      text = JSON.stringify(raw) ?? String(raw);
    } catch {
      text = String(raw);
    }
  }
  let head = "";
  let n = 0;
  for (const ch of text) {
    if (n++ === max) break;
    head += ch;
  }
  const cut = head.length < text.length;
  const quoted = typeof raw === "string" ? JSON.stringify(head) : head;
  const shown = quoted.replace(/\p{C}/gu, (c) => {
    const cp = c.codePointAt(0)!;
    return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, "0")}`;
  });
  return cut ? `${shown}...` : shown;
}

const WHAT: Record<BlocklistKind, string> = {
  sha256: "64 hex digits",
  sha1: "40 hex digits",
  md5: "32 hex digits",
  domains: "a host name",
  ips: "an IP address or CIDR block",
};

/**
 * Checks a document's `entries`: an object with only the known kinds, each an array of
 * strings of its kind. Entries are normalized (lower case) and de-duplicated; `count`
 * is the number of distinct entries the agent then enforces.
 */
export function checkBlocklist(entries: unknown): BlocklistCheck {
  if (typeof entries !== "object" || entries === null || Array.isArray(entries)) return { ok: false, problems: ["entries: must be an object"] };
  const problems: string[] = [];
  const note = (p: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  for (const key of Object.keys(entries)) if (!(BLOCKLIST_KINDS as readonly string[]).includes(key)) note(`entries.${key}: unknown kind`);
  const out = { sha256: [], sha1: [], md5: [], domains: [], ips: [] } as BlocklistEntries;
  let count = 0;
  let total = 0;
  for (const kind of BLOCKLIST_KINDS) {
    const list = (entries as Record<string, unknown>)[kind];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      note(`entries.${kind}: must be an array`);
      continue;
    }
    total += list.length;
    if (total > MAX_BLOCKLIST_ENTRIES) return { ok: false, problems: [`entries: more than ${MAX_BLOCKLIST_ENTRIES} entries`] };
    const seen = new Set<string>();
    list.forEach((raw: unknown, i) => {
      const value = typeof raw === "string" ? normalEntry(kind, raw) : undefined;
      if (value !== undefined) seen.add(value);
      else if (problems.length < MAX_PROBLEMS) note(`entries.${kind}[${i}]: ${quoteValue(raw)} is not ${WHAT[kind]}`);
    });
    out[kind] = [...seen];
    count += seen.size;
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, entries: out, count };
}
