import { nestsDeeperThan } from "../../../lib/json/nesting";
import { invalid } from "../../server/errors";
import type { AwsError } from "../../server/errors";
import type { RequestContext } from "../../server/router";

/**
 * Input validation with the constraints of the AWS IoT model. AWS reports constraint
 * violations as InvalidRequestException with a "N validation error(s) detected: Value '…'
 * at '…' failed to satisfy constraint: …" message; the emulator answers in the same form
 * so tools that show the message look the same against both.
 */

export const NAME_PATTERN = /^[a-zA-Z0-9:_-]+$/;
export const ATTR_NAME_PATTERN = /^[a-zA-Z0-9_.,@/:#-]+$/;
export const ATTR_VALUE_PATTERN = /^[a-zA-Z0-9_.,@/:#=[\]-]*$/;
export const POLICY_NAME_PATTERN = /^[\w+=,.@-]+$/;
export const CERT_ID_PATTERN = /^(0x)?[a-fA-F0-9]+$/;

export const MAX_ATTRIBUTE_NAME = 128;
export const MAX_ATTRIBUTE_VALUE = 800;

function validationError(value: unknown, member: string, constraint: string): AwsError {
  const shown = typeof value === "string" ? value : JSON.stringify(value);
  return invalid(`1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: ${constraint}`);
}

/** A name in the `[a-zA-Z0-9:_-]+`, 1..128 family (things, thing types, thing groups). */
export function checkName(value: unknown, member: string): string {
  if (typeof value !== "string" || value.length < 1 || value.length > 128 || !NAME_PATTERN.test(value)) {
    throw validationError(
      value,
      member,
      "Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+",
    );
  }
  return value;
}

export function optionalName(value: unknown, member: string): string | undefined {
  return value === undefined || value === null ? undefined : checkName(value, member);
}

export function checkPolicyName(value: unknown, member = "policyName"): string {
  if (typeof value !== "string" || value.length < 1 || value.length > 128 || !POLICY_NAME_PATTERN.test(value)) {
    throw validationError(
      value,
      member,
      "Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    );
  }
  return value;
}

export function checkCertificateId(value: unknown): string {
  if (typeof value !== "string" || value.length !== 64 || !CERT_ID_PATTERN.test(value)) {
    throw validationError(
      value,
      "certificateId",
      "Member must have length less than or equal to 64, Member must have length greater than or equal to 64, Member must satisfy regular expression pattern: (0x)?[a-fA-F0-9]+",
    );
  }
  return value.toLowerCase();
}

/** An attribute map as sent in an `attributePayload` (string → string, model constraints). */
export function checkAttributes(value: unknown, member: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw invalid(`${member} must be a map of strings`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.length > MAX_ATTRIBUTE_NAME || !ATTR_NAME_PATTERN.test(k)) {
      throw validationError(
        value,
        member,
        "Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must satisfy regular expression pattern: [a-zA-Z0-9_.,@/:#-]+]",
      );
    }
    if (typeof v !== "string" || v.length > MAX_ATTRIBUTE_VALUE || !ATTR_VALUE_PATTERN.test(v)) {
      throw validationError(
        value,
        member,
        "Map value must satisfy constraint: [Member must have length less than or equal to 800, Member must have length greater than or equal to 0, Member must satisfy regular expression pattern: [a-zA-Z0-9_.,@/:#=\\[\\]-]*]",
      );
    }
    out[k] = v;
  }
  return out;
}

export function optionalString(value: unknown, member: string, max = Infinity): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalid(`${member} must be a string`);
  if (value.length > max) throw validationError(value, member, `Member must have length less than or equal to ${max}`);
  return value;
}

export function optionalBoolean(value: unknown, member: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalid(`${member} must be a boolean`);
  return value;
}

/** A `long` body or query member such as `expectedVersion`. */
export function optionalInteger(value: unknown, member: string): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n)) throw invalid(`${member} must be an integer`);
  return n;
}

/** A boolean query parameter; the SDK and the CLI send `true`/`false`. */
export function queryBoolean(ctx: RequestContext, name: string): boolean | undefined {
  const raw = ctx.query.get(name);
  if (raw === null || raw === "") return undefined;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw invalid(`Invalid value for ${name}: '${raw}'`);
}

/**
 * Nesting allowed in a request body. No iot request shape comes near it; far deeper bodies
 * parse, but would overflow the stack wherever they are serialised (error messages, the
 * store) or walked.
 */
export const MAX_BODY_NESTING = 32;

/** The JSON body as an object; an absent body counts as `{}`. */
export function bodyOf(ctx: RequestContext): Record<string, unknown> {
  const b = ctx.body;
  if (b === undefined || b === null) return {};
  if (typeof b !== "object" || Array.isArray(b)) throw invalid("The request body must be a JSON object");
  if (nestsDeeperThan(b, MAX_BODY_NESTING)) throw invalid(`The request body is nested more than ${MAX_BODY_NESTING} levels deep`);
  return b as Record<string, unknown>;
}

/** Shallow equality of two string maps (for idempotent creates). */
export function sameAttributes(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => b[k] === a[k]);
}

/**
 * Applies an `attributePayload` to existing attributes: with `merge` the given keys are set
 * and an empty value removes a key; without it the given map replaces everything.
 */
export function applyAttributePayload(current: Record<string, string>, attributes: Record<string, string>, merge: boolean): Record<string, string> {
  if (!merge) {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(attributes)) if (v !== "") out[k] = v;
    return out;
  }
  const out = { ...current };
  for (const [k, v] of Object.entries(attributes)) {
    if (v === "") delete out[k];
    else out[k] = v;
  }
  return out;
}
