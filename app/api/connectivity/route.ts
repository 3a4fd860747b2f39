import { z } from "zod";
import { getConnectivityBatch } from "@/lib/aws/connectivity";
import { route } from "@/lib/auth/guard";
import { thingNamesParam } from "@/lib/things/connectivity";
import type { ConnectivityBatch } from "@/lib/things/types";
import { badRequest, jsonOk, queryObject } from "@/lib/http/route";

const schema = z.object({ things: thingNamesParam }).strict();

/**
 * GET /api/connectivity?things=a,b,c → { results: { [name]: { ok, data | error } } }.
 * One GetThingConnectivityData per thing, run through a process-wide limiter; a thing
 * that fails reports its own error without failing the batch.
 */
export const GET = route("fleet.read", async (req) => {
  const parsed = schema.safeParse(queryObject(req.nextUrl.searchParams));
  if (!parsed.success) return badRequest(parsed.error);
  const body: ConnectivityBatch = { results: await getConnectivityBatch(parsed.data.things) };
  return jsonOk(body);
});
