import { route } from "@/lib/auth/guard";
import { badRequest, queryObject } from "@/lib/http/route";
import { searchJson } from "@/lib/fleet-search/responses";
import { keysParams } from "@/lib/shadow-drift/params";
import { driftKeys } from "@/lib/shadow-drift/service";

/**
 * GET /api/drift/keys → DriftKeys: the desired keys pending across the fleet, with how
 * long they have waited, from the shared drift snapshot (every drifted thing read with
 * SearchIndex, up to DRIFT_MAX_THINGS, and said so when capped).
 */
export const GET = route("fleet.read", async (req) => {
  const parsed = keysParams.safeParse(queryObject(req.nextUrl.searchParams));
  if (!parsed.success) return badRequest(parsed.error);
  return searchJson(() => driftKeys());
});
