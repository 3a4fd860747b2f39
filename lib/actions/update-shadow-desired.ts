"use server";
import "server-only";

import { z } from "zod";
import { awsRequestIdOf } from "@/lib/aws/fleet-index";
import { updateShadowDesired } from "@/lib/aws/shadows";
import { action } from "@/lib/auth/guard";
import { shadowNameSchema, thingNameSchema } from "@/lib/shadows/api";
import { nullInArray } from "@/lib/shadows/edit";
import { depthOf, formatPath, isObject, previewValue } from "@/lib/shadows/json";
import { patchPaths } from "@/lib/shadows/conflict";
import { SHADOW_LIMITS, type JsonObject, type JsonValue } from "@/lib/shadows/types";

/** The patch travels as JSON text, so that what is checked here is exactly what is sent. */
const patchText = z
  .string({ error: "Send the desired-state update as JSON text." })
  .max(64 * 1024, "The update is far larger than a shadow may be (8 KB).")
  .transform((text, ctx): JsonObject => {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: "custom", message: "The update is not valid JSON." });
      return z.NEVER;
    }
    if (!isObject(doc)) {
      ctx.addIssue({ code: "custom", message: "The update must be a JSON object." });
      return z.NEVER;
    }
    if (Object.keys(doc).length === 0) {
      ctx.addIssue({ code: "custom", message: "The update changes nothing." });
      return z.NEVER;
    }
    if (depthOf(doc) > SHADOW_LIMITS.maxDepth) {
      ctx.addIssue({ code: "custom", message: `The update is nested more than ${SHADOW_LIMITS.maxDepth} levels deep (AWS IoT's limit).` });
      return z.NEVER;
    }
    const nullPath = nullInArray(doc);
    if (nullPath) {
      ctx.addIssue({ code: "custom", message: `${formatPath(nullPath)}: arrays may not contain null.` });
      return z.NEVER;
    }
    return doc as JsonObject;
  });

const input = z.object({
  thingName: thingNameSchema,
  /** Empty or absent: the classic shadow. */
  shadowName: z
    .union([z.literal(""), z.null(), shadowNameSchema])
    .optional()
    .transform((v) => v || null),
  desired: patchText,
  /** The version the edit started from; null for a shadow that does not exist yet. */
  version: z.number().int().nonnegative().nullable(),
});

/** What the audit record keeps of an update: which keys were set (to what, briefly) and which removed. */
function auditSummary(patch: JsonObject): { set: Record<string, string>; removed: string[] } {
  // No prototype: a shadow key named `__proto__` is an entry like any other.
  const set: Record<string, string> = Object.create(null);
  const removed: string[] = [];
  for (const path of patchPaths(patch)) {
    let v: JsonValue = patch;
    for (const k of path) v = (v as JsonObject)[k];
    if (v === null) removed.push(formatPath(path));
    else set[formatPath(path)] = previewValue(v, 120);
  }
  return { set, removed };
}

const target = (raw: Record<string, unknown>) => {
  const thing = typeof raw.thingName === "string" ? raw.thingName.slice(0, 128) : null;
  if (!thing) return null;
  // AWS names a named shadow `thing~shadow` in its messages; the trail does the same.
  return typeof raw.shadowName === "string" && raw.shadowName ? `${thing}~${raw.shadowName.slice(0, 64)}` : thing;
};

/**
 * Changes a shadow's desired state (responders and admins: shadow.write). The update
 * names the version the operator's edit was based on: if the shadow moved on meanwhile,
 * AWS refuses it and the result carries the current document (code "conflict", field
 * `current`) so the browser can show what changed and re-apply the edit. The audit
 * record carries what was set and removed, and AWS's request id.
 */
export const updateShadowDesiredState = action({ name: "shadows.update_desired", requirement: "shadow.write", input, target }, async (data, ctx) => {
  ctx.audit.params = { thingName: data.thingName, shadowName: data.shadowName, baseVersion: data.version, ...auditSummary(data.desired) };
  try {
    const out = await updateShadowDesired({
      thingName: data.thingName,
      shadowName: data.shadowName,
      desired: data.desired,
      version: data.version ?? undefined,
    });
    ctx.audit.awsRequestId = out.awsRequestId;
    return { version: out.version, timestampMs: out.timestampMs };
  } catch (err) {
    ctx.audit.awsRequestId = awsRequestIdOf(err);
    throw err;
  }
});
