import { apiRoute } from "@/lib/http/api-route";
import { driftKeysRoute } from "@/lib/shadow-drift/routes";
import { driftKeys } from "@/lib/shadow-drift/service";

/**
 * GET /api/drift/keys → DriftKeys: the desired keys pending across the fleet, with how
 * long they have waited, from the shared drift snapshot (every drifted thing read with
 * SearchIndex, up to DRIFT_MAX_THINGS, and said so when capped).
 */
export const GET = apiRoute(driftKeysRoute, () => driftKeys());
