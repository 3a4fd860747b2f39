import { route } from "@/lib/auth/guard";
import { searchJson } from "@/lib/fleet-search/responses";
import { searchFields } from "@/lib/fleet-search/service";

/**
 * GET /api/search/fields → SearchFields: managed and custom fields of the indexing
 * configuration, the index status, and attribute names seen in the registry.
 */
export const GET = route("fleet.search", async () => searchJson(() => searchFields()));
