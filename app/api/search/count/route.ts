import { route } from "@/lib/auth/guard";
import { badRequest, queryObject } from "@/lib/http/route";
import { countParams } from "@/lib/fleet-search/request-params";
import { searchJson } from "@/lib/fleet-search/responses";
import { countMatches } from "@/lib/fleet-search/service";

/** GET /api/search/count?q → SearchCount (GetStatistics, quota-protected). */
export const GET = route("fleet.search", async (req) => {
  const parsed = countParams.safeParse(queryObject(req.nextUrl.searchParams));
  if (!parsed.success) return badRequest(parsed.error);
  return searchJson(() => countMatches(parsed.data.q));
});
