import { z } from "zod";
import { nextTokenParam } from "@/lib/things/paging";
import type { AggregationType } from "./contract";
import { parseColumns } from "./export-columns";
import { queryProblem } from "./query-check";

/**
 * Query parameters of the search route handlers (lib/fleet-search/contract.ts), checked
 * before any fleet-index call: a malformed request costs no quota. The query itself is
 * checked with the fleet query grammar, so its error names the position.
 */
export const MAX_QUERY_LENGTH = 2048;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_MAX_BUCKETS = 10;
export const MAX_BUCKETS = 10_000;
export const MAX_PERCENTS = 100;

/** A fleet query, trimmed, checked with the grammar. Also used by the search actions' forms. */
export const queryText = (emptyMessage: string) =>
  z
    .string({ message: emptyMessage })
    .trim()
    .min(1, { message: emptyMessage })
    .max(MAX_QUERY_LENGTH, { message: `A query is at most ${MAX_QUERY_LENGTH} characters.` })
    .superRefine((q, ctx) => {
      const problem = queryProblem(q);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });

export const queryParam = queryText("Pass the query as ?q= (use * for every thing).");

/** An index field name as aggregations take it: `attributes.cpu`, `connectivity.connected`. */
export const fieldParam = z
  .string({ message: "Pass the field to aggregate as ?field=" })
  .trim()
  .min(1, { message: "Pass the field to aggregate as ?field=" })
  .max(256)
  .regex(/^[A-Za-z0-9_.:@/#$-]+$/, { message: "A field is a dotted name such as attributes.os or shadow.reported.cpu." });

const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: `a whole number from ${min} to ${max}.` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { message: `a whole number from ${min} to ${max}.` });

export const searchPageParams = z
  .object({
    q: queryParam,
    nextToken: nextTokenParam,
    pageSize: intParam(1, MAX_PAGE_SIZE)
      .optional()
      .transform((n) => n ?? MAX_PAGE_SIZE),
  })
  .strict();

export const countParams = z.object({ q: queryParam }).strict();

const percentsParam = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean),
  )
  .refine((ps) => ps.length >= 1 && ps.length <= MAX_PERCENTS, { message: `1 to ${MAX_PERCENTS} values, comma-separated.` })
  .transform((ps) => ps.map(Number))
  .refine((ps) => ps.every((p) => Number.isFinite(p) && p >= 0 && p <= 100), { message: "each is a number from 0 to 100." });

export const AGGREGATION_TYPES = ["buckets", "statistics", "percentiles", "cardinality"] as const satisfies readonly AggregationType[];

export const aggregateParams = z
  .object({
    q: queryParam,
    field: fieldParam,
    type: z.enum(AGGREGATION_TYPES, { message: `one of ${AGGREGATION_TYPES.join(", ")}.` }),
    maxBuckets: intParam(1, MAX_BUCKETS).optional(),
    percents: percentsParam.optional(),
  })
  .strict();

export type AggregateSpec = Omit<z.infer<typeof aggregateParams>, "q">;

export const EXPORT_FORMATS = ["csv", "jsonl"] as const;

export const exportParams = z
  .object({
    q: queryParam,
    format: z
      .enum(EXPORT_FORMATS, { message: "csv or jsonl." })
      .optional()
      .transform((f) => f ?? "csv"),
    columns: z
      .string()
      .optional()
      .transform((c, ctx) => {
        const parsed = parseColumns(c);
        if (!parsed.ok) {
          ctx.addIssue({ code: "custom", message: parsed.message });
          return z.NEVER;
        }
        return parsed.columns;
      }),
  })
  .strict();
