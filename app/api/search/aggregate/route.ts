import { route } from "@/lib/auth/guard";
import { badRequest, queryObject } from "@/lib/http/route";
import { aggregateParams } from "@/lib/fleet-search/request-params";
import { searchJson } from "@/lib/fleet-search/responses";
import { aggregate } from "@/lib/fleet-search/service";

/**
 * GET /api/search/aggregate?q&field&type[&maxBuckets][&percents] → AggregationResult
 * (GetBucketsAggregation, GetStatistics, GetPercentiles or GetCardinality, quota-protected).
 */
export const GET = route("fleet.search", async (req) => {
  const parsed = aggregateParams.safeParse(queryObject(req.nextUrl.searchParams));
  if (!parsed.success) return badRequest(parsed.error);
  const { q, ...spec } = parsed.data;
  return searchJson(() => aggregate(q, spec));
});
