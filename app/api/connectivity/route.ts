import { getConnectivityBatch } from "@/lib/aws/connectivity";
import { apiRoute } from "@/lib/http/api-route";
import { connectivityRoute } from "@/lib/things/api";

/** GET /api/connectivity?things=a,b,c: one GetThingConnectivityData per thing, through a process-wide limiter. */
export const GET = apiRoute(connectivityRoute, async ({ query }) => ({ results: await getConnectivityBatch(query.things) }));
