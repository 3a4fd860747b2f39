import { consoleDb } from "@/lib/db/console-db";
import { recordQueryHistory } from "@/lib/fleet-search/saved-queries";
import { searchPageRoute } from "@/lib/fleet-search/routes";
import { searchPage } from "@/lib/fleet-search/service";
import { apiRoute } from "@/lib/http/api-route";

/**
 * GET /api/search?q&nextToken&pageSize → SearchPage (one SearchIndex page, quota-protected).
 * A first page that succeeds goes into the caller's query history.
 */
export const GET = apiRoute(searchPageRoute, async ({ query: { q, nextToken, pageSize } }, { session }) => {
  const page = await searchPage(q, { nextToken, pageSize });
  if (!nextToken && session) recordQueryHistory(consoleDb(), session.username, q);
  return page;
});
