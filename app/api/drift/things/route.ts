import { apiRoute } from "@/lib/http/api-route";
import { driftThingsRoute } from "@/lib/shadow-drift/routes";
import { driftThings } from "@/lib/shadow-drift/service";

/**
 * GET /api/drift/things?shadow&type&group&key&limit → DriftThings: the drifted things
 * matching a drill-down (scope, thing type, thing group, pending key), the longest
 * waiting first, from the shared drift snapshot.
 */
export const GET = apiRoute(driftThingsRoute, ({ query: { shadow, type, group, key, limit } }) => driftThings({ scope: shadow, type, group, key }, limit));
