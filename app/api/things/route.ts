import { listThings } from "@/lib/aws/things";
import { apiRoute } from "@/lib/http/api-route";
import { thingsRoute } from "@/lib/things/api";

/** GET /api/things?type&attr&value&prefix&size&nextToken → ThingPage (one ListThings page). */
export const GET = apiRoute(thingsRoute, ({ query }) => listThings(query.filters, query.nextToken));
