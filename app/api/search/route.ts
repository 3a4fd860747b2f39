import { route } from "@/lib/auth/guard";
import { consoleDb } from "@/lib/db/console-db";
import { badRequest, queryObject } from "@/lib/http/route";
import { searchPageParams } from "@/lib/fleet-search/request-params";
import { searchJson } from "@/lib/fleet-search/responses";
import { recordQueryHistory } from "@/lib/fleet-search/saved-queries";
import { searchPage } from "@/lib/fleet-search/service";

/**
 * GET /api/search?q&nextToken&pageSize → SearchPage (one SearchIndex page, quota-protected).
 * A first page that succeeds goes into the caller's query history.
 */
export const GET = route("fleet.search", async (req, { session }) => {
  const parsed = searchPageParams.safeParse(queryObject(req.nextUrl.searchParams));
  if (!parsed.success) return badRequest(parsed.error);
  const { q, nextToken, pageSize } = parsed.data;
  return searchJson(async () => {
    const page = await searchPage(q, { nextToken, pageSize });
    if (!nextToken && session) recordQueryHistory(consoleDb(), session.username, q);
    return page;
  });
});
