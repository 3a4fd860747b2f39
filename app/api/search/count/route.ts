import { searchCountRoute } from "@/lib/fleet-search/routes";
import { countMatches } from "@/lib/fleet-search/service";
import { apiRoute } from "@/lib/http/api-route";

/** GET /api/search/count?q → SearchCount (GetStatistics, quota-protected). */
export const GET = apiRoute(searchCountRoute, ({ query }) => countMatches(query.q));
