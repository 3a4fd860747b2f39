import type { Router } from "../../server/router";
import { invalid } from "../../server/errors";
import type { IotState } from "./state";
import { epochSeconds } from "./context";
import { decodeToken, encodeToken, pageBySeq, pageLimit, pageOfSorted } from "./pagination";
import { bodyOf, checkPolicyName, queryBoolean } from "./validation";
import {
  attachPolicy,
  checkDocument,
  checkTarget,
  createPolicy,
  createPolicyVersion,
  defaultVersion,
  deletePolicy,
  deletePolicyVersion,
  requireVersion,
  setDefaultPolicyVersion,
} from "./policies-model";

/**
 * IoT policies: CreatePolicy, GetPolicy, DeletePolicy, ListPolicies, policy versions,
 * AttachPolicy/DetachPolicy, ListAttachedPolicies (POST, target in the path) and
 * ListTargetsForPolicy. Documents are kept and returned as the exact string sent. Each
 * handler parses the request, calls policies-model.ts and renders the answer.
 */
export function registerPolicyRoutes(router: Router, state: IotState): void {
  router.add("CreatePolicy", "POST", "/policies/{policyName}", (ctx) => {
    const name = checkPolicyName(ctx.params.policyName);
    const document = checkDocument(bodyOf(ctx).policyDocument);
    createPolicy(state, name, document);
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
    deletePolicy(state, checkPolicyName(ctx.params.policyName));
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
    const { id } = createPolicyVersion(state, p, document, setAsDefault);
    return { body: { policyArn: state.policyArn(p.name), policyDocument: document, policyVersionId: id, isDefaultVersion: p.defaultVersionId === id } };
  });

  router.add("ListPolicyVersions", "GET", "/policies/{policyName}/version", (ctx) => {
    const p = state.requirePolicy(checkPolicyName(ctx.params.policyName));
    return {
      body: {
        policyVersions: [...p.versions]
          .reverse()
          .map((v) => ({ versionId: v.id, isDefaultVersion: v.id === p.defaultVersionId, createDate: epochSeconds(v.createdMs) })),
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
    setDefaultPolicyVersion(state, p, ctx.params.policyVersionId);
    return { body: {} };
  });

  router.add("DeletePolicyVersion", "DELETE", "/policies/{policyName}/version/{policyVersionId}", (ctx) => {
    const p = state.requirePolicy(checkPolicyName(ctx.params.policyName));
    deletePolicyVersion(state, p, ctx.params.policyVersionId);
    return { body: {} };
  });

  // ---- attachments ----

  router.add("AttachPolicy", "PUT", "/target-policies/{policyName}", (ctx) => {
    const p = state.requirePolicy(checkPolicyName(ctx.params.policyName));
    attachPolicy(state, p, checkTarget(state, bodyOf(ctx).target));
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
