import { apiRoute } from "@/lib/http/api-route";
import { blastRadiusRoute, targetsOfParams } from "@/lib/jobs/blast-radius-routes";
import { blastRadius } from "@/lib/jobs/blast-radius-service";

/**
 * GET /api/jobs/blast-radius?kind&things&thingCount&groups&q&timeoutMinutes → BlastRadius
 * (fleet-index aggregations, bounded; jobs.write).
 */
export const GET = apiRoute(blastRadiusRoute, ({ query }) =>
  blastRadius(targetsOfParams(query), { timeoutMinutes: query.timeoutMinutes ?? null, nowMs: Date.now(), namedCount: query.thingCount ?? null }),
);
