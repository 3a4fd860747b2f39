import { getThingShadowCached, listNamedShadowsCached } from "@/lib/aws/shadows";
import { route } from "@/lib/auth/guard";
import { badRequest, jsonOk, queryObject } from "@/lib/http/route";
import { shadowQuerySchema, thingNameSchema } from "@/lib/shadows/api";
import type { ShadowViewResponse } from "@/lib/shadows/types";

/**
 * GET /api/things/{thingName}/shadows?name= → ShadowViewResponse: the thing's named
 * shadows and one shadow's document (no `name`: the classic shadow; `document: null`
 * when that shadow does not exist yet). The shadows tab polls it, from every open tab:
 * identical reads in flight are shared, the named-shadow list is reused for a few
 * seconds and the document for about a second (see lib/aws/shadows.ts).
 */
export const GET = route("fleet.read", async (req, { params }) => {
  const raw = (await params).thingName;
  const thing = thingNameSchema.safeParse(typeof raw === "string" ? raw : "");
  if (!thing.success) return badRequest(thing.error);
  const query = shadowQuerySchema.safeParse(queryObject(req.nextUrl.searchParams));
  if (!query.success) return badRequest(query.error);
  const shadowName = query.data.name ?? null;
  const [namedShadows, document] = await Promise.all([listNamedShadowsCached(thing.data), getThingShadowCached(thing.data, shadowName)]);
  const body: ShadowViewResponse = { thingName: thing.data, namedShadows, shadowName, document };
  return jsonOk(body);
});
