import { consoleDb } from "@/lib/db/console-db";
import { savedQueriesRoute } from "@/lib/fleet-search/routes";
import { listVisibleSavedQueries } from "@/lib/fleet-search/saved-queries";
import { apiRoute } from "@/lib/http/api-route";

/** GET /api/search/saved → SavedQuery[]: the caller's own saved queries and the shared ones. */
export const GET = apiRoute(savedQueriesRoute, (_input, { session }) => listVisibleSavedQueries(consoleDb(), session!.username));
