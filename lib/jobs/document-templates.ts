import { z } from "zod";
import type { JobTemplateDetail, JobTemplateSummary } from "@/lib/aws/jobs-create";
import { defineRoute } from "@/lib/http/contract";
import { presignedPlaceholder } from "./document";

/**
 * The console's own starting points for a job document, one per operation the agents
 * understand (docs/agent-jobs.md).
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
 * operator typed kept, in its order); a fresh one when the text is empty. Text that does
 * not parse as a JSON object is left exactly as it is (`applied: false`): a trailing
 * comma must never cost the operator the document they typed.
 */
export function applyAgentUpdateFields(text: string, fields: { version?: string; artifact?: ArtifactRef | null }): { text: string; applied: boolean } {
  if (!text.trim()) return { text: agentUpdateDocument(fields.version ?? "", fields.artifact ?? null), applied: true };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = null;
  }
  // Text that is not a JSON object is the operator's, half typed: it is never replaced.
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return { text, applied: false };
  const out: Record<string, unknown> = { ...(doc as Record<string, unknown>), operation: "agent-update" };
  if (fields.version !== undefined) out.version = fields.version;
  if (fields.artifact) {
    out.url = presignedPlaceholder(fields.artifact.region, fields.artifact.bucket, fields.artifact.key);
    out.sha256 = fields.artifact.sha256;
    out.size = fields.artifact.size;
  }
  return { text: pretty(out), applied: true };
}

/** The text with the fields set, or unchanged when it is not a JSON object (see applyAgentUpdateFields). */
export function withAgentUpdateFields(text: string, fields: { version?: string; artifact?: ArtifactRef | null }): string {
  return applyAgentUpdateFields(text, fields).text;
}

/**
 * The account's AWS IoT job templates, offered next to the console's own (fleet.read: a
 * template is only a starting point, creating the job needs jobs.write).
 * GET /api/jobs/templates → { templates }; GET /api/jobs/templates/[templateId] → the
 * template's document and settings, loaded into the draft.
 */
export const jobTemplatesRoute = defineRoute<{ templates: JobTemplateSummary[] }>()({
  path: "/api/jobs/templates",
  permission: "fleet.read",
  query: z.object({}).strict(),
  key: () => ["jobs", "templates"],
});

/** AWS's jobTemplateId pattern. */
export const JOB_TEMPLATE_ID = /^[a-zA-Z0-9_-]{1,64}$/;

export const jobTemplateRoute = defineRoute<JobTemplateDetail>()({
  path: "/api/jobs/templates/[templateId]",
  permission: "fleet.read",
  params: z.object({ templateId: z.string().regex(JOB_TEMPLATE_ID, "A job template id is 1 to 64 letters, digits, “_” or “-”.") }),
  query: z.object({}).strict(),
  request: (templateId: string) => ({ path: { templateId } }),
  key: (templateId: string) => ["jobs", "templates", templateId],
});

/** The draft's templateId of an AWS job template (the console's own have bare ids). */
export const awsTemplateId = (id: string) => `aws:${id}`;
