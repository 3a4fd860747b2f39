import { z } from "zod";
import { DEFAULT_PAGE_SIZE, validateThingFilters, type FilterValidation, type ThingFilters } from "./filters";
import { nextTokenParam } from "./paging";

/**
 * The contract of GET /api/things: the same filters as the page URL plus the AWS
 * nextToken. The browser builds URLs with `thingsApiUrl`; the route handler parses them
 * with `parseThingsQuery`. Unknown parameters are rejected so typos do not silently
 * widen a query.
 */
const flag = z.enum(["0", "1", "true", "false"], { message: "Use 1 or 0." }).transform((v) => v === "1" || v === "true");

const querySchema = z
  .object({
    type: z.string().optional(),
    attr: z.string().optional(),
    value: z.string().optional(),
    prefix: flag.optional(),
    size: z.coerce.number({ message: "size must be a number." }).int({ message: "size must be a whole number." }).optional(),
    nextToken: nextTokenParam,
  })
  .strict();

export type ThingsQuery =
  | { ok: true; filters: ThingFilters; nextToken: string | null }
  | { ok: false; message: string };

export function parseThingsQuery(params: URLSearchParams): ThingsQuery {
  const parsed = querySchema.safeParse(Object.fromEntries(params.entries()));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? `${issue.path.join(".")}: ` : "";
    const message = issue.code === "unrecognized_keys" ? `Unknown query parameter(s): ${issue.keys.join(", ")}.` : `${where}${issue.message}`;
    return { ok: false, message };
  }
  const q = parsed.data;
  const validation: FilterValidation = validateThingFilters({
    type: q.type ?? null,
    attr: q.attr ?? null,
    value: q.value ?? null,
    prefix: q.prefix ?? false,
    size: q.size ?? DEFAULT_PAGE_SIZE,
  });
  if (!validation.ok) return { ok: false, message: validation.issues.map((i) => i.message).join(" ") };
  return { ok: true, filters: validation.filters, nextToken: q.nextToken ?? null };
}

export function thingsApiUrl(filters: ThingFilters, nextToken: string | null): string {
  const p = new URLSearchParams();
  if (filters.type) p.set("type", filters.type);
  if (filters.attribute) {
    p.set("attr", filters.attribute.name);
    p.set("value", filters.attribute.value);
    if (filters.attribute.prefix) p.set("prefix", "1");
  }
  p.set("size", String(filters.size));
  if (nextToken) p.set("nextToken", nextToken);
  return `/api/things?${p.toString()}`;
}
