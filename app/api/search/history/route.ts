import { route } from "@/lib/auth/guard";
import { consoleDb } from "@/lib/db/console-db";
import { jsonOk } from "@/lib/http/route";
import { listQueryHistory } from "@/lib/fleet-search/saved-queries";

/** GET /api/search/history → QueryHistoryEntry[]: the caller's recent distinct queries, newest first. */
export const GET = route("fleet.search", async (_req, { session }) => jsonOk(listQueryHistory(consoleDb(), session!.username)));
