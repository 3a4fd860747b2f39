import type { RequestContext, Router } from "../../server/router";
import { invalid } from "../../server/errors";
import type { IotState } from "./state";
import { decodeToken, encodeToken, pageLimit } from "./pagination";
import { checkPolicyName, queryBoolean } from "./validation";
import { attachPolicy, checkPrincipal, listPolicyPrincipals, listPrincipalPolicies } from "./policies-model";

/**
 * The legacy (deprecated, still called by scripts) principal-policy operations: each parses
 * the request, calls policies-model.ts and renders the answer. The principal travels in the
 * `x-amzn-iot-principal` header and, for ListPolicyPrincipals, the policy name in
 * `x-amzn-iot-policy` (trap: not in the path or query). They share their attachments with
 * AttachPolicy/DetachPolicy/ListAttachedPolicies/ListTargetsForPolicy.
 */
export function registerPrincipalPolicyRoutes(router: Router, state: IotState): void {
  router.add("AttachPrincipalPolicy", "PUT", "/principal-policies/{policyName}", (ctx) => {
    const p = state.requirePolicy(checkPolicyName(ctx.params.policyName));
    attachPolicy(state, p, checkPrincipal(state, header(ctx, "x-amzn-iot-principal", "principal")));
    return { body: {} };
  });

  router.add("DetachPrincipalPolicy", "DELETE", "/principal-policies/{policyName}", (ctx) => {
    // Unlike DetachPolicy, this models ResourceNotFoundException: the policy and a
    // certificate principal must exist; detaching what is not attached changes nothing.
    const p = state.requirePolicy(checkPolicyName(ctx.params.policyName));
    state.detachPolicy(p, checkPrincipal(state, header(ctx, "x-amzn-iot-principal", "principal")));
    return { body: {} };
  });

  router.add("ListPrincipalPolicies", "GET", "/principal-policies", (ctx) => {
    const principal = checkPrincipal(state, header(ctx, "x-amzn-iot-principal", "principal"));
    const limit = pageLimit(ctx, "pageSize", 250, 25);
    const after = decodeToken<number>(ctx.query.get("marker"), "number", "marker");
    const page = listPrincipalPolicies(state, principal, after, limit, queryBoolean(ctx, "isAscendingOrder") ?? false);
    return {
      body: {
        policies: page.items.map((p) => ({ policyName: p.name, policyArn: state.policyArn(p.name) })),
        ...(page.nextSeq !== undefined ? { nextMarker: encodeToken(page.nextSeq) } : {}),
      },
    };
  });

  router.add("ListPolicyPrincipals", "GET", "/policy-principals", (ctx) => {
    const name = checkPolicyName(header(ctx, "x-amzn-iot-policy", "policyName"));
    const limit = pageLimit(ctx, "pageSize", 250, 25);
    const after = decodeToken<string>(ctx.query.get("marker"), "string", "marker");
    const page = listPolicyPrincipals(state, name, after, limit, queryBoolean(ctx, "isAscendingOrder") ?? false);
    return { body: { principals: page.items, ...(page.nextKey !== undefined ? { nextMarker: encodeToken(page.nextKey) } : {}) } };
  });
}

function header(ctx: RequestContext, name: string, member: string): string {
  const raw = ctx.headers[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) throw invalid(`${member} (header ${name}) is required`);
  return value;
}
