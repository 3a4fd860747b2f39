import { z } from "zod";
import { defineRoute } from "@/lib/http/contract";
import { queryKeys } from "@/lib/query-keys";
import { NAME_PATTERN } from "@/lib/things/filters";
import { shadowParam, SHADOW_NAME_PATTERN, type ShadowName, type ShadowViewResponse } from "./types";

/**
 * GET /api/things/{thingName}/shadows?name= → ShadowViewResponse: the thing's named
 * shadows and one shadow's document. No `name` is the classic shadow.
 */
export const shadowNameSchema = z.string().regex(SHADOW_NAME_PATTERN, "A shadow name is 1 to 64 letters, digits, or $ : _ -.");

export const thingNameSchema = z
  .string()
  .min(1, "Name the thing.")
  .max(128, "A thing name is at most 128 characters.")
  .regex(NAME_PATTERN, "A thing name is letters, digits, ':', '_' or '-'.");

export const shadowQuerySchema = z.object({ name: shadowNameSchema.optional() }).strict();

export const shadowViewRoute = defineRoute<ShadowViewResponse>()({
  path: "/api/things/[thingName]/shadows",
  permission: "fleet.read",
  params: z.object({ thingName: thingNameSchema }),
  query: shadowQuerySchema,
  request: (thingName: string, shadowName: ShadowName) => ({ path: { thingName }, query: { name: shadowName } }),
  key: (thingName: string, shadowName: ShadowName) => queryKeys.shadows.view(thingName, shadowParam(shadowName)),
});
