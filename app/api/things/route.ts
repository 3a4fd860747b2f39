import { listThings } from "@/lib/aws/things";
import { route } from "@/lib/auth/guard";
import { parseThingsQuery } from "@/lib/things/api";
import { jsonError, jsonOk } from "@/lib/http/route";

/** GET /api/things?type&attr&value&prefix&size&nextToken → ThingPage (one ListThings page). */
export const GET = route("fleet.read", async (req) => {
  const q = parseThingsQuery(req.nextUrl.searchParams);
  if (!q.ok) return jsonError({ code: "invalid_input", message: q.message });
  return jsonOk(await listThings(q.filters, q.nextToken));
});
