import { z } from "zod";
import { defineRoute } from "@/lib/http/contract";
import { queryKeys } from "@/lib/query-keys";
import { thingNamesParam } from "./connectivity";
import { DEFAULT_PAGE_SIZE, filtersKey, validateThingFilters, type ThingFilters } from "./filters";
import { nextTokenParam } from "./paging";
import type { ConnectivityBatch, ThingPage } from "./types";

/**
 * The routes of the things list (lib/http/contract.ts). GET /api/things takes the same
 * filters as the page URL plus the AWS nextToken; unknown parameters are rejected so
 * typos do not silently widen a query.
 */
const flag = z.enum(["0", "1", "true", "false"], { message: "Use 1 or 0." }).transform((v) => v === "1" || v === "true");

export const thingsQuerySchema = z
  .object({
    type: z.string().optional(),
    attr: z.string().optional(),
    value: z.string().optional(),
    prefix: flag.optional(),
    size: z.coerce.number({ message: "a number." }).int({ message: "a whole number." }).optional(),
    nextToken: nextTokenParam,
  })
  .strict()
  .transform((q, ctx): { filters: ThingFilters; nextToken: string | null } => {
    // The page's own filter rules, so the API and the filter bar agree on what is valid.
    const validation = validateThingFilters({
      type: q.type ?? null,
      attr: q.attr ?? null,
      value: q.value ?? null,
      prefix: q.prefix ?? false,
      size: q.size ?? DEFAULT_PAGE_SIZE,
    });
    if (!validation.ok) {
      ctx.addIssue({ code: "custom", message: validation.issues.map((i) => i.message).join(" ") });
      return z.NEVER;
    }
    return { filters: validation.filters, nextToken: q.nextToken ?? null };
  });

/** GET /api/things → ThingPage (one ListThings page). */
export const thingsRoute = defineRoute<ThingPage>()({
  path: "/api/things",
  permission: "fleet.read",
  query: thingsQuerySchema,
  request: (filters: ThingFilters, nextToken: string | null) => ({
    query: {
      type: filters.type,
      attr: filters.attribute?.name,
      value: filters.attribute?.value,
      prefix: filters.attribute?.prefix,
      size: filters.size,
      nextToken,
    },
  }),
  key: (filters: ThingFilters) => queryKeys.things.list(filtersKey(filters)),
});

/**
 * GET /api/connectivity?things=a,b,c → ConnectivityBatch: one GetThingConnectivityData
 * per thing; a thing that fails reports its own error without failing the batch.
 */
export const connectivityRoute = defineRoute<ConnectivityBatch>()({
  path: "/api/connectivity",
  permission: "fleet.read",
  query: z.object({ things: thingNamesParam }).strict(),
  request: (names: readonly string[]) => ({ query: { things: names.join(",") } }),
  key: (names: readonly string[]) => queryKeys.connectivity.batch(names),
});
