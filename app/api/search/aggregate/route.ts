import { searchAggregateRoute } from "@/lib/fleet-search/routes";
import { aggregate } from "@/lib/fleet-search/service";
import { apiRoute } from "@/lib/http/api-route";

/**
 * GET /api/search/aggregate?q&field&type[&maxBuckets][&percents] → AggregationResult
 * (GetBucketsAggregation, GetStatistics, GetPercentiles or GetCardinality, quota-protected).
 */
export const GET = apiRoute(searchAggregateRoute, ({ query: { q, ...spec } }) => aggregate(q, spec));
