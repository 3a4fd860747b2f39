import { consoleDb } from "@/lib/db/console-db";
import { queryHistoryRoute } from "@/lib/fleet-search/routes";
import { listQueryHistory } from "@/lib/fleet-search/saved-queries";
import { apiRoute } from "@/lib/http/api-route";

/** GET /api/search/history → QueryHistoryEntry[]: the caller's recent distinct queries, newest first. */
export const GET = apiRoute(queryHistoryRoute, (_input, { session }) => listQueryHistory(consoleDb(), session!.username));
