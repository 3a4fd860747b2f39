import { apiRoute } from "@/lib/http/api-route";
import { driftSummaryRoute } from "@/lib/shadow-drift/routes";
import { driftSummary } from "@/lib/shadow-drift/service";

/**
 * GET /api/drift/summary?shadow=<any|classic|named> → DriftSummary: drifted things per
 * indexed shadow and, for the scope, by thing type and thing group (fleet-index
 * aggregations through the quota gate; throttling → 429 + Retry-After).
 */
export const GET = apiRoute(driftSummaryRoute, ({ query }) => driftSummary(query.shadow));
