import type { RequestContext, Router } from "../../server/router";
import { invalid, notFound } from "../../server/errors";
import type { IotState, PrincipalType, ThingRecord } from "./state";
import { decodeToken, encodeToken, pageLimit, pageOfSorted } from "./pagination";
import { checkName } from "./validation";
import { checkPrincipal } from "./policies-model";

const TYPES = new Set<PrincipalType>(["EXCLUSIVE_THING", "NON_EXCLUSIVE_THING"]);

/**
 * Thing ↔ principal attachments. The principal travels in the `x-amzn-principal` header
 * (trap: not in the path or body). A principal is a certificate ARN of an existing
 * certificate, or a Cognito identity id. EXCLUSIVE_THING attachments (the `-v2` APIs)
 * allow the principal on this one thing only.
 */
export function registerPrincipalRoutes(router: Router, state: IotState): void {
  router.add("AttachThingPrincipal", "PUT", "/things/{thingName}/principals", (ctx) => {
    const t = state.requireThing(checkName(ctx.params.thingName, "thingName"));
    const principal = checkPrincipal(state, principalHeader(ctx));
    const rawType = ctx.query.get("thingPrincipalType");
    if (rawType && !TYPES.has(rawType as PrincipalType)) throw invalid(`Invalid thingPrincipalType: ${rawType}`);
    const type = (rawType || "NON_EXCLUSIVE_THING") as PrincipalType;

    const holders = state.principalThings.get(principal) ?? new Set<string>();
    for (const other of holders) {
      if (other === t.name) continue;
      const theirs = state.things.get(other)?.principals?.find((p) => p.principal === principal);
      if (type === "EXCLUSIVE_THING" || theirs?.type === "EXCLUSIVE_THING") {
        throw invalid(`Principal ${principal} is already attached to thing ${other}${theirs?.type === "EXCLUSIVE_THING" ? " exclusively" : ""}`);
      }
    }
    const list = t.principals ?? [];
    const mine = list.find((p) => p.principal === principal);
    if (mine) {
      if (mine.type === type) return { body: {} };
      mine.type = type;
    } else {
      list.push({ principal, type });
      t.principals = list;
      state.principalSet(principal).add(t.name);
    }
    state.saveThing(t);
    return { body: {} };
  });

  router.add("DetachThingPrincipal", "DELETE", "/things/{thingName}/principals", (ctx) => {
    const t = state.requireThing(checkName(ctx.params.thingName, "thingName"));
    const principal = principalHeader(ctx);
    if (t.principals?.some((p) => p.principal === principal)) {
      t.principals = t.principals.filter((p) => p.principal !== principal);
      if (t.principals.length === 0) delete t.principals;
      const s = state.principalThings.get(principal);
      s?.delete(t.name);
      if (s && s.size === 0) state.principalThings.delete(principal);
      state.saveThing(t);
    }
    return { body: {} };
  });

  router.add("ListThingPrincipals", "GET", "/things/{thingName}/principals", (ctx) => {
    const t = state.requireThing(checkName(ctx.params.thingName, "thingName"));
    const page = pageOfSorted(
      principalsOf(t).map((p) => p.principal),
      decodeToken<string>(ctx.query.get("nextToken"), "string"),
      pageLimit(ctx, "maxResults"),
    );
    return { body: { principals: page.items, ...next(page.nextKey) } };
  });

  router.add("ListThingPrincipalsV2", "GET", "/things/{thingName}/principals-v2", (ctx) => {
    const t = state.requireThing(checkName(ctx.params.thingName, "thingName"));
    const type = typeFilter(ctx);
    const list = principalsOf(t).filter((p) => !type || p.type === type);
    const byPrincipal = new Map(list.map((p) => [p.principal, p.type]));
    const page = pageOfSorted([...byPrincipal.keys()], decodeToken<string>(ctx.query.get("nextToken"), "string"), pageLimit(ctx, "maxResults"));
    return {
      body: {
        thingPrincipalObjects: page.items.map((p) => ({ principal: p, thingPrincipalType: byPrincipal.get(p) })),
        ...next(page.nextKey),
      },
    };
  });

  router.add("ListPrincipalThings", "GET", "/principals/things", (ctx) => {
    const principal = knownPrincipal(state, principalHeader(ctx));
    const names = [...(state.principalThings.get(principal) ?? [])].sort();
    const page = pageOfSorted(names, decodeToken<string>(ctx.query.get("nextToken"), "string"), pageLimit(ctx, "maxResults"));
    return { body: { things: page.items, ...next(page.nextKey) } };
  });

  router.add("ListPrincipalThingsV2", "GET", "/principals/things-v2", (ctx) => {
    const principal = knownPrincipal(state, principalHeader(ctx));
    const type = typeFilter(ctx);
    const typeOf = (name: string) => state.things.get(name)?.principals?.find((p) => p.principal === principal)?.type;
    const names = [...(state.principalThings.get(principal) ?? [])].filter((n) => !type || typeOf(n) === type).sort();
    const page = pageOfSorted(names, decodeToken<string>(ctx.query.get("nextToken"), "string"), pageLimit(ctx, "maxResults"));
    return {
      body: {
        principalThingObjects: page.items.map((n) => ({ thingName: n, thingPrincipalType: typeOf(n) })),
        ...next(page.nextKey),
      },
    };
  });
}

function principalHeader(ctx: RequestContext): string {
  const raw = ctx.headers["x-amzn-principal"];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) throw invalid("The principal (header x-amzn-principal) is required");
  return value;
}

/** For listing: an unknown certificate is not found; anything else simply has no things. */
function knownPrincipal(state: IotState, principal: string): string {
  const certId = state.certIdFromArn(principal);
  if (certId !== undefined && !state.certs.has(certId)) throw notFound(`The certificate given in the request does not exist (arn: ${principal})`);
  return principal;
}

function typeFilter(ctx: RequestContext): PrincipalType | undefined {
  const raw = ctx.query.get("thingPrincipalType");
  if (!raw) return undefined;
  if (!TYPES.has(raw as PrincipalType)) throw invalid(`Invalid thingPrincipalType: ${raw}`);
  return raw as PrincipalType;
}

function principalsOf(t: ThingRecord) {
  return [...(t.principals ?? [])].sort((a, b) => (a.principal < b.principal ? -1 : a.principal > b.principal ? 1 : 0));
}

function next(key: string | undefined) {
  return key !== undefined ? { nextToken: encodeToken(key) } : {};
}
