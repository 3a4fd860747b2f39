import type { Router, RequestContext } from "../../server/router";
import { invalid } from "../../server/errors";
import { checkName } from "../iot/validation";
import { decodeToken, encodeToken, pageLimit, pageOfSorted } from "../iot/pagination";
import { deletedDocument, getDocument, parseUpdateRequest } from "./shadow-document";
import type { ShadowStore } from "./shadow-store";

/** Shadow names: 1..64 of `[$a-zA-Z0-9:_-]` (iot-data model). */
const SHADOW_NAME = /^[$a-zA-Z0-9:_-]{1,64}$/;

/** ListNamedShadowsForThing: `pageSize` 1..100; AWS documents no default, 25 here. */
const MAX_PAGE = 100;
const DEFAULT_PAGE = 25;

/**
 * The shadow REST API of the `iotdata` plane: GetThingShadow, UpdateThingShadow,
 * DeleteThingShadow (classic, or named with `?name=`) and ListNamedShadowsForThing.
 * Shadow documents travel as raw JSON bodies (the SDK's `payload` blob).
 */
export function registerShadowRoutes(router: Router, shadows: ShadowStore): void {
  router.add("GetThingShadow", "GET", "/things/{thingName}/shadow", (ctx) => {
    const { thingName, shadowName } = target(ctx);
    const shadow = shadows.require(thingName, shadowName);
    return { body: getDocument(shadow, shadows.nowSeconds()) };
  });

  router.add(
    "UpdateThingShadow",
    "POST",
    "/things/{thingName}/shadow",
    (ctx) => {
      const { thingName, shadowName } = target(ctx);
      const req = parseUpdateRequest(ctx.rawBody);
      return { body: shadows.update(thingName, shadowName, req).accepted };
    },
    { payload: "blob" },
  );

  router.add("DeleteThingShadow", "DELETE", "/things/{thingName}/shadow", (ctx) => {
    const { thingName, shadowName } = target(ctx);
    const { deleted, timestamp } = shadows.delete(thingName, shadowName);
    return { body: deletedDocument(deleted.version, timestamp) };
  });

  router.add("ListNamedShadowsForThing", "GET", "/api/things/shadow/ListNamedShadowsForThing/{thingName}", (ctx) => {
    const thingName = checkName(ctx.params.thingName, "thingName");
    const limit = pageLimit(ctx, "pageSize", MAX_PAGE, DEFAULT_PAGE);
    const after = decodeToken<string>(ctx.query.get("nextToken"), "string");
    // An unknown thing simply has no named shadows (an empty list, not a 404).
    const page = pageOfSorted(shadows.namedShadows(thingName), after, limit);
    return {
      body: {
        results: page.items,
        timestamp: shadows.nowSeconds(),
        ...(page.nextKey !== undefined ? { nextToken: encodeToken(page.nextKey) } : {}),
      },
    };
  });
}

function target(ctx: RequestContext): { thingName: string; shadowName: string | null } {
  const thingName = checkName(ctx.params.thingName, "thingName");
  const raw = ctx.query.get("name");
  if (raw === null) return { thingName, shadowName: null };
  if (!SHADOW_NAME.test(raw)) {
    throw invalid(
      `1 validation error detected: Value '${raw}' at 'shadowName' failed to satisfy constraint: Member must have length less than or equal to 64, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [$a-zA-Z0-9:_-]+`,
    );
  }
  return { thingName, shadowName: raw };
}
