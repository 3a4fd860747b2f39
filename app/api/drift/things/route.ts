import { route } from "@/lib/auth/guard";
import { badRequest, queryObject } from "@/lib/http/route";
import { searchJson } from "@/lib/fleet-search/responses";
import { thingsParams } from "@/lib/shadow-drift/params";
import { driftThings } from "@/lib/shadow-drift/service";

/**
 * GET /api/drift/things?shadow&type&group&key&limit → DriftThings: the drifted things
 * matching a drill-down (scope, thing type, thing group, pending key), the longest
 * waiting first, from the shared drift snapshot.
 */
export const GET = route("fleet.read", async (req) => {
  const parsed = thingsParams.safeParse(queryObject(req.nextUrl.searchParams));
  if (!parsed.success) return badRequest(parsed.error);
  const { shadow, type, group, key, limit } = parsed.data;
  return searchJson(() => driftThings({ scope: shadow, type, group, key }, limit));
});
