import { randomUUID } from "node:crypto";
import { AwsError, invalid, notFound } from "../../server/errors";
import type { IotState, PolicyRecord, PolicyVersionRecord } from "./state";
import { pageBySeq } from "./pagination";

/**
 * IoT policies: the rules and state changes (policies.ts and principal-policies.ts parse
 * and render). Attachments made by AttachPolicy and by the legacy AttachPrincipalPolicy are
 * the same records (PolicyRecord.targets, indexed by state.policiesByTarget), so each API
 * family sees what the other attached, as in AWS.
 */

/** AWS IoT quotas. */
export const MAX_POLICY_VERSIONS = 5;
export const MAX_POLICIES_PER_TARGET = 10;
export const MAX_POLICY_CHARS = 2048;

const COGNITO_ID = /^[a-z]{2}(-[a-z]+)+-\d:[0-9a-f-]{36}$/;

// ---- documents and versions ---------------------------------------------------------------

/** A policy document: JSON with Version and Statement, within the size quota. */
export function checkDocument(value: unknown): string {
  if (typeof value !== "string" || value.length === 0) throw invalid("policyDocument is required");
  let doc: unknown;
  try {
    doc = JSON.parse(value);
  } catch {
    throw new AwsError("MalformedPolicyException", "Policy document is not valid JSON");
  }
  const d = doc as Record<string, unknown> | null;
  if (!d || typeof d !== "object" || Array.isArray(d)) throw new AwsError("MalformedPolicyException", "Policy document must be a JSON object");
  if (typeof d.Version !== "string") throw new AwsError("MalformedPolicyException", "Policy document must contain a Version");
  const statements = Array.isArray(d.Statement) ? d.Statement : d.Statement && typeof d.Statement === "object" ? [d.Statement] : undefined;
  if (!statements || statements.length === 0) throw new AwsError("MalformedPolicyException", "Policy document must contain at least one Statement");
  for (const s of statements as Array<Record<string, unknown>>) {
    if (!s || typeof s !== "object" || (s.Effect !== "Allow" && s.Effect !== "Deny"))
      throw new AwsError("MalformedPolicyException", "Each Statement must have an Effect of Allow or Deny");
    if (s.Action === undefined && s.NotAction === undefined) throw new AwsError("MalformedPolicyException", "Each Statement must have an Action");
    if (s.Resource === undefined && s.NotResource === undefined) throw new AwsError("MalformedPolicyException", "Each Statement must have a Resource");
  }
  if (value.replace(/\s+/g, "").length > MAX_POLICY_CHARS) {
    throw new AwsError("MalformedPolicyException", `Policy document exceeds ${MAX_POLICY_CHARS} characters (excluding whitespace)`);
  }
  return value;
}

export function createPolicy(state: IotState, name: string, document: string): PolicyRecord {
  if (state.policies.has(name)) {
    throw new AwsError("ResourceAlreadyExistsException", `Policy cannot be created - name already exists (name=${name})`, undefined, {
      resourceId: name,
      resourceArn: state.policyArn(name),
    });
  }
  const now = Date.now();
  const policy: PolicyRecord = {
    name,
    versions: [{ id: "1", document, createdMs: now }],
    defaultVersionId: "1",
    nextVersionId: 2,
    createdMs: now,
    modifiedMs: now,
    generationId: randomUUID(),
    seq: state.nextSeq(),
    targets: [],
  };
  state.putPolicy(policy);
  return policy;
}

/** A policy can be deleted only when detached from everything and down to its default version. */
export function deletePolicy(state: IotState, name: string): void {
  const p = state.requirePolicy(name);
  if (p.targets.length)
    throw new AwsError("DeleteConflictException", `The policy cannot be deleted as the policy is attached to one or more principals (name=${name})`);
  if (p.versions.length > 1)
    throw new AwsError("DeleteConflictException", `The policy cannot be deleted as versions other than the default version exist (name=${name})`);
  state.removePolicy(p);
}

export function createPolicyVersion(state: IotState, p: PolicyRecord, document: string, setAsDefault: boolean): PolicyVersionRecord {
  if (p.versions.length >= MAX_POLICY_VERSIONS) {
    throw new AwsError("VersionsLimitExceededException", `The policy ${p.name} already has the maximum number of versions (${MAX_POLICY_VERSIONS})`);
  }
  const v: PolicyVersionRecord = { id: String(p.nextVersionId++), document, createdMs: Date.now() };
  p.versions.push(v);
  if (setAsDefault) setDefault(p, v.id);
  state.putPolicy(p);
  return v;
}

export function setDefaultPolicyVersion(state: IotState, p: PolicyRecord, id: string | undefined): void {
  setDefault(p, requireVersion(p, id).id);
  state.putPolicy(p);
}

export function deletePolicyVersion(state: IotState, p: PolicyRecord, id: string | undefined): void {
  const v = requireVersion(p, id);
  if (v.id === p.defaultVersionId)
    throw new AwsError("DeleteConflictException", `Cannot delete the default version of a policy (name=${p.name}, version=${v.id})`);
  p.versions = p.versions.filter((x) => x !== v);
  state.putPolicy(p);
}

export function defaultVersion(p: PolicyRecord): PolicyVersionRecord {
  return p.versions.find((v) => v.id === p.defaultVersionId)!;
}

export function requireVersion(p: PolicyRecord, id: string | undefined): PolicyVersionRecord {
  if (!id || !/^[0-9]+$/.test(id)) throw invalid(`Invalid policyVersionId: ${id}`);
  const v = p.versions.find((x) => x.id === id);
  if (!v) throw notFound(`Policy version not found (name=${p.name}, version=${id})`);
  return v;
}

function setDefault(p: PolicyRecord, id: string): void {
  if (p.defaultVersionId === id) return;
  p.defaultVersionId = id;
  p.modifiedMs = Date.now();
  p.generationId = randomUUID();
}

// ---- targets and attachments --------------------------------------------------------------

/** A policy target: an existing certificate or thing group of this account, or a Cognito identity id. */
export function checkTarget(state: IotState, target: unknown): string {
  if (typeof target !== "string" || !target) throw invalid("target is required");
  const group = state.groupNameFromArn(target);
  if (group !== undefined) {
    if (!state.groups.has(group)) throw notFound(`Thing Group ${group} does not exist`);
    return target;
  }
  if (isPrincipal(state, target)) return target;
  throw invalid(`Invalid target: ${target}`);
}

/**
 * A principal of the legacy principal-policy APIs: an existing certificate of this account,
 * or a Cognito identity id (API reference: "a certificate ARN ... or an Amazon Cognito ID");
 * thing groups are targets, not principals.
 */
export function checkPrincipal(state: IotState, principal: string): string {
  if (isPrincipal(state, principal)) return principal;
  throw invalid(`Invalid principal: ${principal}. Use the ARN of a certificate or a Cognito identity id.`);
}

/** True for a Cognito identity id or a certificate ARN; an unknown certificate is ResourceNotFoundException. */
function isPrincipal(state: IotState, value: string): boolean {
  const certId = state.certIdFromArn(value);
  if (certId !== undefined) {
    if (!state.certs.has(certId)) throw notFound(`The certificate given in the request does not exist (arn: ${value})`);
    return true;
  }
  return COGNITO_ID.test(value);
}

/** Attaches a policy to a checked target: no dynamic thing groups, at most 10 policies per target. */
export function attachPolicy(state: IotState, p: PolicyRecord, target: string): void {
  // Dynamic thing groups cannot have policies (developer guide, "Dynamic thing groups").
  const groupName = state.groupNameFromArn(target);
  if (groupName !== undefined && state.groups.get(groupName)?.dynamic) {
    throw invalid(`This operation does not support dynamic thing groups. Thing group arn: ${target}`);
  }
  if (!p.targets.includes(target) && (state.policiesByTarget.get(target)?.size ?? 0) >= MAX_POLICIES_PER_TARGET) {
    throw new AwsError("LimitExceededException", `The target already has the maximum of ${MAX_POLICIES_PER_TARGET} policies attached (target: ${target})`);
  }
  state.attachPolicy(p, target);
}

/**
 * ListPrincipalPolicies: the principal's policies by creation sequence (AWS documents no
 * order; `isAscendingOrder` defaults to false, so newest policy first), paged by that sequence.
 */
export function listPrincipalPolicies(state: IotState, principal: string, after: number | undefined, limit: number, ascending: boolean) {
  const records = [...(state.policiesByTarget.get(principal) ?? [])]
    .map((n) => state.policies.get(n))
    .filter((p): p is PolicyRecord => p !== undefined)
    .sort((a, b) => a.seq - b.seq);
  return pageBySeq(records, (p) => p.seq, after, limit, ascending);
}

/**
 * ListPolicyPrincipals: the policy's principals (thing groups left out) in attachment order
 * (AWS documents no order; `isAscendingOrder` defaults to false, so the latest attachment
 * first). The marker is the last principal returned; one detached since is "expired".
 */
export function listPolicyPrincipals(
  state: IotState,
  name: string,
  after: string | undefined,
  limit: number,
  ascending: boolean,
): { items: string[]; nextKey?: string } {
  const p = state.requirePolicy(name);
  const principals = p.targets.filter((t) => state.groupNameFromArn(t) === undefined);
  if (!ascending) principals.reverse();
  let start = 0;
  if (after !== undefined) {
    const i = principals.indexOf(after);
    if (i < 0) throw invalid("Invalid marker: the token is malformed or expired");
    start = i + 1;
  }
  const items = principals.slice(start, start + limit);
  return start + items.length < principals.length && items.length ? { items, nextKey: items[items.length - 1] } : { items };
}
