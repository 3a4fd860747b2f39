import { searchFieldsRoute } from "@/lib/fleet-search/routes";
import { searchFields } from "@/lib/fleet-search/service";
import { apiRoute } from "@/lib/http/api-route";

/**
 * GET /api/search/fields → SearchFields: managed and custom fields of the indexing
 * configuration, the index status, and attribute names seen in the registry.
 */
export const GET = apiRoute(searchFieldsRoute, () => searchFields());
