import { route } from "@/lib/auth/guard";
import { badRequest, queryObject } from "@/lib/http/route";
import { searchJson } from "@/lib/fleet-search/responses";
import { summaryParams } from "@/lib/shadow-drift/params";
import { driftSummary } from "@/lib/shadow-drift/service";

/**
 * GET /api/drift/summary?shadow=<any|classic|named> → DriftSummary: drifted things per
 * indexed shadow and, for the scope, by thing type and thing group (fleet-index
 * aggregations through the quota gate; throttling → 429 + Retry-After).
 */
export const GET = route("fleet.read", async (req) => {
  const parsed = summaryParams.safeParse(queryObject(req.nextUrl.searchParams));
  if (!parsed.success) return badRequest(parsed.error);
  return searchJson(() => driftSummary(parsed.data.shadow));
});
