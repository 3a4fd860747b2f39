import { randomUUID } from "node:crypto";
import type { Router } from "../../server/router";
import { AwsError, invalid, notFound } from "../../server/errors";
import type { IotState, PolicyRecord } from "./state";
import { epochSeconds } from "./context";
import { decodeToken, encodeToken, pageBySeq, pageLimit, pageOfSorted } from "./pagination";
import { bodyOf, checkPolicyName, queryBoolean } from "./validation";

/** AWS IoT quotas. */
export const MAX_POLICY_VERSIONS = 5;
export const MAX_POLICIES_PER_TARGET = 10;
export const MAX_POLICY_CHARS = 2048;

const COGNITO_ID = /^[a-z]{2}(-[a-z]+)+-\d:[0-9a-f-]{36}$/;

/**
 * IoT policies: CreatePolicy, GetPolicy, DeletePolicy, ListPolicies, policy versions,
 * AttachPolicy/DetachPolicy, ListAttachedPolicies (POST, target in the path) and
 * ListTargetsForPolicy. Documents are kept and returned as the exact string sent.
 */
export function registerPolicyRoutes(router: Router, state: IotState): void {
  router.add("CreatePolicy", "POST", "/policies/{policyName}", (ctx) => {
    const name = checkPolicyName(ctx.params.policyName);
    const body = bodyOf(ctx);
    const document = checkDocument(body.policyDocument);
    const existing = state.policies.get(name);
    if (existing) {
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
    return { body: { policyName: name, policyArn: state.policyArn(name), policyDocument: document, policyVersionId: "1" } };
  });

  router.add("GetPolicy", "GET", "/policies/{policyName}", (ctx) => {
    const p = state.requirePolicy(checkPolicyName(ctx.params.policyName));
    const v = defaultVersion(p);
    return {
      body: {
        policyName: p.name,
        policyArn: state.policyArn(p.name),
        policyDocument: v.document,
        defaultVersionId: p.defaultVersionId,
        creationDate: epochSeconds(p.createdMs),
        lastModifiedDate: epochSeconds(p.modifiedMs),
        generationId: p.generationId,
      },
    };
  });

  router.add("DeletePolicy", "DELETE", "/policies/{policyName}", (ctx) => {
    const name = checkPolicyName(ctx.params.policyName);
    const p = state.requirePolicy(name);
    if (p.targets.length) throw new AwsError("DeleteConflictException", `The policy cannot be deleted as the policy is attached to one or more principals (name=${name})`);
    if (p.versions.length > 1) throw new AwsError("DeleteConflictException", `The policy cannot be deleted as versions other than the default version exist (name=${name})`);
    state.removePolicy(p);
    return { body: {} };
  });

  router.add("ListPolicies", "GET", "/policies", (ctx) => {
    const limit = pageLimit(ctx, "pageSize", 250, 25);
    const after = decodeToken<number>(ctx.query.get("marker"), "number", "marker");
    const ascending = queryBoolean(ctx, "isAscendingOrder") ?? false;
    const page = pageBySeq(state.policyOrder.view(), (p) => p.seq, after, limit, ascending);
    return {
      body: {
        policies: page.items.map((p) => ({ policyName: p.name, policyArn: state.policyArn(p.name) })),
        ...(page.nextSeq !== undefined ? { nextMarker: encodeToken(page.nextSeq) } : {}),
      },
    };
  });

  // ---- versions ----

  router.add("CreatePolicyVersion", "POST", "/policies/{policyName}/version", (ctx) => {
    const p = state.requirePolicy(checkPolicyName(ctx.params.policyName));
    const document = checkDocument(bodyOf(ctx).policyDocument);
    const setAsDefault = queryBoolean(ctx, "setAsDefault") ?? false;
    if (p.versions.length >= MAX_POLICY_VERSIONS) {
      throw new AwsError("VersionsLimitExceededException", `The policy ${p.name} already has the maximum number of versions (${MAX_POLICY_VERSIONS})`);
    }
    const id = String(p.nextVersionId++);
    p.versions.push({ id, document, createdMs: Date.now() });
    if (setAsDefault) setDefault(p, id);
    state.putPolicy(p);
    return { body: { policyArn: state.policyArn(p.name), policyDocument: document, policyVersionId: id, isDefaultVersion: p.defaultVersionId === id } };
  });

  router.add("ListPolicyVersions", "GET", "/policies/{policyName}/version", (ctx) => {
    const p = state.requirePolicy(checkPolicyName(ctx.params.policyName));
    return {
      body: {
        policyVersions: [...p.versions].reverse().map((v) => ({ versionId: v.id, isDefaultVersion: v.id === p.defaultVersionId, createDate: epochSeconds(v.createdMs) })),
      },
    };
  });

  router.add("GetPolicyVersion", "GET", "/policies/{policyName}/version/{policyVersionId}", (ctx) => {
    const p = state.requirePolicy(checkPolicyName(ctx.params.policyName));
    const v = requireVersion(p, ctx.params.policyVersionId);
    return {
      body: {
        policyArn: state.policyArn(p.name),
        policyName: p.name,
        policyDocument: v.document,
        policyVersionId: v.id,
        isDefaultVersion: v.id === p.defaultVersionId,
        creationDate: epochSeconds(v.createdMs),
        lastModifiedDate: epochSeconds(v.createdMs),
        generationId: p.generationId,
      },
    };
  });

  router.add("SetDefaultPolicyVersion", "PATCH", "/policies/{policyName}/version/{policyVersionId}", (ctx) => {
    const p = state.requirePolicy(checkPolicyName(ctx.params.policyName));
    const v = requireVersion(p, ctx.params.policyVersionId);
    setDefault(p, v.id);
    state.putPolicy(p);
    return { body: {} };
  });

  router.add("DeletePolicyVersion", "DELETE", "/policies/{policyName}/version/{policyVersionId}", (ctx) => {
    const p = state.requirePolicy(checkPolicyName(ctx.params.policyName));
    const v = requireVersion(p, ctx.params.policyVersionId);
    if (v.id === p.defaultVersionId) throw new AwsError("DeleteConflictException", `Cannot delete the default version of a policy (name=${p.name}, version=${v.id})`);
    p.versions = p.versions.filter((x) => x !== v);
    state.putPolicy(p);
    return { body: {} };
  });

  // ---- attachments ----

  router.add("AttachPolicy", "PUT", "/target-policies/{policyName}", (ctx) => {
    const p = state.requirePolicy(checkPolicyName(ctx.params.policyName));
    const target = checkTarget(state, bodyOf(ctx).target);
    // Dynamic thing groups cannot have policies (developer guide, "Dynamic thing groups").
    const groupName = state.groupNameFromArn(target);
    if (groupName !== undefined && state.groups.get(groupName)?.dynamic) {
      throw invalid(`This operation does not support dynamic thing groups. Thing group arn: ${target}`);
    }
    if (!p.targets.includes(target) && (state.policiesByTarget.get(target)?.size ?? 0) >= MAX_POLICIES_PER_TARGET) {
      throw new AwsError("LimitExceededException", `The target already has the maximum of ${MAX_POLICIES_PER_TARGET} policies attached (target: ${target})`);
    }
    state.attachPolicy(p, target);
    return { body: {} };
  });

  router.add("DetachPolicy", "POST", "/target-policies/{policyName}", (ctx) => {
    const name = checkPolicyName(ctx.params.policyName);
    const target = bodyOf(ctx).target;
    if (typeof target !== "string" || !target) throw invalid("target is required");
    // DetachPolicy models no ResourceNotFoundException: detaching what is not attached succeeds.
    const p = state.policies.get(name);
    if (p) state.detachPolicy(p, target);
    return { body: {} };
  });

  router.add("ListAttachedPolicies", "POST", "/attached-policies/{target}", (ctx) => {
    const target = checkTarget(state, ctx.params.target);
    const limit = pageLimit(ctx, "pageSize", 250, 25);
    const after = decodeToken<string>(ctx.query.get("marker"), "string", "marker");
    const names = new Set(state.policiesByTarget.get(target) ?? []);
    const groupName = state.groupNameFromArn(target);
    if (groupName && queryBoolean(ctx, "recursive")) {
      // Policies of the ancestor groups apply to a group too.
      for (const a of state.ancestors(state.groups.get(groupName)!)) {
        for (const n of state.policiesByTarget.get(state.groupArn(a.name)) ?? []) names.add(n);
      }
    }
    const page = pageOfSorted([...names].sort(), after, limit);
    return {
      body: {
        policies: page.items.map((n) => ({ policyName: n, policyArn: state.policyArn(n) })),
        ...(page.nextKey !== undefined ? { nextMarker: encodeToken(page.nextKey) } : {}),
      },
    };
  });

  router.add("ListTargetsForPolicy", "POST", "/policy-targets/{policyName}", (ctx) => {
    const p = state.requirePolicy(checkPolicyName(ctx.params.policyName));
    const limit = pageLimit(ctx, "pageSize", 250, 25);
    const after = decodeToken<string>(ctx.query.get("marker"), "string", "marker");
    const page = pageOfSorted([...p.targets].sort(), after, limit);
    return { body: { targets: page.items, ...(page.nextKey !== undefined ? { nextMarker: encodeToken(page.nextKey) } : {}) } };
  });
}

/** A policy document: JSON with Version and Statement, within the size quota. */
function checkDocument(value: unknown): string {
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
    if (!s || typeof s !== "object" || (s.Effect !== "Allow" && s.Effect !== "Deny")) throw new AwsError("MalformedPolicyException", "Each Statement must have an Effect of Allow or Deny");
    if (s.Action === undefined && s.NotAction === undefined) throw new AwsError("MalformedPolicyException", "Each Statement must have an Action");
    if (s.Resource === undefined && s.NotResource === undefined) throw new AwsError("MalformedPolicyException", "Each Statement must have a Resource");
  }
  if (value.replace(/\s+/g, "").length > MAX_POLICY_CHARS) {
    throw new AwsError("MalformedPolicyException", `Policy document exceeds ${MAX_POLICY_CHARS} characters (excluding whitespace)`);
  }
  return value;
}

/** A policy target: an existing certificate or thing group of this account, or a Cognito identity id. */
function checkTarget(state: IotState, target: unknown): string {
  if (typeof target !== "string" || !target) throw invalid("target is required");
  const certId = state.certIdFromArn(target);
  if (certId !== undefined) {
    if (!state.certs.has(certId)) throw notFound(`The certificate given in the request does not exist (arn: ${target})`);
    return target;
  }
  const group = state.groupNameFromArn(target);
  if (group !== undefined) {
    if (!state.groups.has(group)) throw notFound(`Thing Group ${group} does not exist`);
    return target;
  }
  if (COGNITO_ID.test(target)) return target;
  throw invalid(`Invalid target: ${target}`);
}

function defaultVersion(p: PolicyRecord) {
  return p.versions.find((v) => v.id === p.defaultVersionId)!;
}

function requireVersion(p: PolicyRecord, id: string | undefined) {
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
