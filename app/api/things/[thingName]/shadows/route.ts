import { getThingShadowCached, listNamedShadowsCached } from "@/lib/aws/shadows";
import { apiRoute } from "@/lib/http/api-route";
import { shadowViewRoute } from "@/lib/shadows/api";

/**
 * GET /api/things/{thingName}/shadows?name= → ShadowViewResponse: the thing's named
 * shadows and one shadow's document (no `name`: the classic shadow; `document: null`
 * when that shadow does not exist yet). The shadows tab polls it, from every open tab:
 * identical reads in flight are shared, the named-shadow list is reused for a few
 * seconds and the document for about a second (see lib/aws/shadows.ts).
 */
export const GET = apiRoute(shadowViewRoute, async ({ params: { thingName }, query }) => {
  const shadowName = query.name ?? null;
  const [namedShadows, document] = await Promise.all([listNamedShadowsCached(thingName), getThingShadowCached(thingName, shadowName)]);
  return { thingName, namedShadows, shadowName, document };
});
