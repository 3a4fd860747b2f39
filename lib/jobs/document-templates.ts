import { presignedPlaceholder } from "./document";

/**
 * The console's own starting points for a job document, one per operation the agents
 * understand (docs/agent-jobs.md). AWS job templates (ListJobTemplates) are offered next
 * to these in the wizard.
 */
export interface DocumentTemplate {
  id: "agent-update" | "blocklist-update" | "reboot";
  label: string;
  description: string;
  text: string;
}

export interface ArtifactRef {
  region: string;
  bucket: string;
  key: string;
  sha256: string;
  size: number;
}

const pretty = (doc: unknown) => JSON.stringify(doc, null, 2);

/** An agent-update document for an uploaded artifact: the URL is AWS's presigned placeholder, replaced when a device reads the document. */
export function agentUpdateDocument(version: string, artifact: ArtifactRef | null): string {
  return pretty({
    operation: "agent-update",
    version,
    url: artifact ? presignedPlaceholder(artifact.region, artifact.bucket, artifact.key) : "",
    sha256: artifact?.sha256 ?? "",
    size: artifact?.size ?? 0,
  });
}

export const DOCUMENT_TEMPLATES: readonly DocumentTemplate[] = [
  {
    id: "agent-update",
    label: "Agent update",
    description: "Download an agent build from S3, verify its SHA-256, install it and restart.",
    text: agentUpdateDocument("", null),
  },
  {
    id: "blocklist-update",
    label: "Blocklist update",
    description: "Replace the agents' blocklist (hashes, domains, IPs); a malformed entry makes the agent reject the whole list.",
    text: pretty({ operation: "blocklist-update", version: 1, entries: { sha256: [], sha1: [], md5: [], domains: [], ips: [] } }),
  },
  { id: "reboot", label: "Reboot", description: "Disconnect and come back after a short delay.", text: pretty({ operation: "reboot" }) },
];

/**
 * An agent-update document with its version and artifact fields set (the rest of what the
 * operator typed kept, in its order); a fresh one when the text is not a JSON object.
 */
export function withAgentUpdateFields(text: string, fields: { version?: string; artifact?: ArtifactRef | null }): string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = null;
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return agentUpdateDocument(fields.version ?? "", fields.artifact ?? null);
  const out: Record<string, unknown> = { ...(doc as Record<string, unknown>), operation: "agent-update" };
  if (fields.version !== undefined) out.version = fields.version;
  if (fields.artifact) {
    out.url = presignedPlaceholder(fields.artifact.region, fields.artifact.bucket, fields.artifact.key);
    out.sha256 = fields.artifact.sha256;
    out.size = fields.artifact.size;
  }
  return pretty(out);
}
