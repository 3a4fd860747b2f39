import { defineRoute } from "@/lib/http/contract";
import { queryKeys } from "@/lib/query-keys";
import { ANY_SHADOW, type DriftKeys, type DriftSummary, type DriftThingFilter, type DriftThings } from "./contract";
import { keysParams, summaryParams, thingsParams } from "./params";

/**
 * The drift API's routes (lib/http/contract.ts). The scope `any` is the default, so it
 * is left out of URLs.
 */
const scopeParam = (scope: string) => (scope === ANY_SHADOW ? null : scope);

export const driftSummaryRoute = defineRoute<DriftSummary>()({
  path: "/api/drift/summary",
  permission: "fleet.read",
  query: summaryParams,
  request: (scope: string) => ({ query: { shadow: scopeParam(scope) } }),
  key: (scope: string) => queryKeys.drift.summary(scope),
});

export const driftKeysRoute = defineRoute<DriftKeys>()({
  path: "/api/drift/keys",
  permission: "fleet.read",
  query: keysParams,
  key: () => queryKeys.drift.keys(),
});

export const driftThingsRoute = defineRoute<DriftThings>()({
  path: "/api/drift/things",
  permission: "fleet.read",
  query: thingsParams,
  request: (f: DriftThingFilter, limit: number) => ({ query: { shadow: scopeParam(f.scope), type: f.type, group: f.group, key: f.key, limit } }),
  key: (f: DriftThingFilter, limit: number) => queryKeys.drift.things(f.scope, f.type, f.group, f.key, limit),
});
