import { route } from "@/lib/auth/guard";
import { consoleDb } from "@/lib/db/console-db";
import { jsonOk } from "@/lib/http/route";
import { listVisibleSavedQueries } from "@/lib/fleet-search/saved-queries";

/** GET /api/search/saved → SavedQuery[]: the caller's own saved queries and the shared ones. */
export const GET = route("fleet.search", async (_req, { session }) => jsonOk(listVisibleSavedQueries(consoleDb(), session!.username)));
