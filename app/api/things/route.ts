import type { NextRequest } from "next/server";
import { listThings } from "@/lib/aws/things";
import { parseThingsQuery } from "@/lib/things/api";
import { handle, jsonError, jsonOk } from "@/lib/http/route";

/** GET /api/things?type&attr&value&prefix&size&nextToken → ThingPage (one ListThings page). */
export async function GET(req: NextRequest) {
  return handle(async () => {
    const q = parseThingsQuery(req.nextUrl.searchParams);
    if (!q.ok) return jsonError({ code: "invalid_input", message: q.message });
    return jsonOk(await listThings(q.filters, q.nextToken));
  });
}
