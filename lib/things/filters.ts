import { z } from "zod";

/**
 * The things list filters: parsed from the URL by `search-params.ts`, validated here
 * against AWS IoT's own constraints so a bad value gets a clear message in place
 * instead of an InvalidRequestException from AWS. Shared by the page, the route
 * handler and the filter bar (which validates while the operator types).
 */
/** The page explains invalid filters under this id; the filter inputs point at it (aria-describedby). */
export const FILTER_ISSUES_ID = "things-filter-issues";

export const PAGE_SIZES = [25, 50, 100, 250] as const;
export const DEFAULT_PAGE_SIZE = 50;

// Patterns and lengths from the AWS IoT API model (ListThings, CreateThing).
export const NAME_PATTERN = /^[a-zA-Z0-9:_-]+$/;
export const ATTRIBUTE_NAME_PATTERN = /^[a-zA-Z0-9_.,@/:#-]+$/;
export const ATTRIBUTE_VALUE_PATTERN = /^[a-zA-Z0-9_.,@/:#=[\]-]*$/;

/** What the URL holds (after nuqs parsing, before validation). */
export interface RawThingFilters {
  type: string | null;
  attr: string | null;
  value: string | null;
  prefix: boolean;
  size: number;
}

/** Filters that are safe to send to ListThings. */
export interface ThingFilters {
  type: string | null;
  /** Only set when both name and value are present. */
  attribute: { name: string; value: string; prefix: boolean } | null;
  size: number;
}

export interface FilterIssue {
  field: "type" | "attr" | "value" | "size";
  message: string;
}

export type FilterValidation = { ok: true; filters: ThingFilters; notes: string[] } | { ok: false; issues: FilterIssue[] };

const optionalText = z
  .string()
  .nullable()
  .transform((v) => (v === null || v.trim() === "" ? null : v));

const schema = z.object({
  type: optionalText.refine((v) => v === null || (v.length <= 128 && NAME_PATTERN.test(v)), {
    message: "A thing type name is 1–128 letters, digits, ':', '_' or '-'.",
  }),
  attr: optionalText.refine((v) => v === null || (v.length <= 128 && ATTRIBUTE_NAME_PATTERN.test(v)), {
    message: "An attribute name is up to 128 letters, digits or _ . , @ / : # - (no spaces).",
  }),
  value: z
    .string()
    .nullable()
    .superRefine((v, ctx) => {
      if (v === null || v === "") return;
      if (/\s/.test(v)) {
        ctx.addIssue({ code: "custom", message: "Attribute values can't contain spaces: AWS IoT only stores letters, digits and _ . , @ / : # = [ ] -." });
      } else if (!ATTRIBUTE_VALUE_PATTERN.test(v)) {
        ctx.addIssue({
          code: "custom",
          message: "Attribute values may only contain letters, digits and _ . , @ / : # = [ ] - (AWS IoT rejects anything else).",
        });
      } else if (v.length > 800) {
        ctx.addIssue({ code: "custom", message: "Attribute values are at most 800 characters." });
      }
    }),
  prefix: z.boolean(),
  size: z
    .number()
    .int()
    .refine((n) => (PAGE_SIZES as readonly number[]).includes(n), { message: `Page size must be one of ${PAGE_SIZES.join(", ")}.` }),
});

export function validateThingFilters(raw: RawThingFilters): FilterValidation {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({ field: i.path[0] as FilterIssue["field"], message: i.message })),
    };
  }
  const { type, attr, value, prefix, size } = parsed.data;
  const notes: string[] = [];
  let attribute: ThingFilters["attribute"] = null;
  // ListThings needs a name and a value together; a half-typed pair is not an error,
  // it just does not filter yet.
  if (attr && value) attribute = { name: attr, value, prefix };
  else if (attr) notes.push(`Enter a value to filter on attribute “${attr}”.`);
  else if (value) notes.push("Enter an attribute name to filter on this value.");
  return { ok: true, filters: { type, attribute, size }, notes };
}

export function hasActiveFilters(raw: RawThingFilters): boolean {
  return Boolean(raw.type || raw.attr || raw.value || raw.prefix);
}

/** A stable key for one filter combination (react-query keys, Suspense keys). */
export function filtersKey(f: ThingFilters): string {
  const a = f.attribute;
  return JSON.stringify([f.type, a?.name ?? null, a?.value ?? null, a?.prefix ?? false, f.size]);
}
