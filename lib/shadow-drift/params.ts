import { z } from "zod";
import { ANY_SHADOW } from "./contract";
import { isKeyPath, isRegistryName, isScope, MAX_KEY_LENGTH } from "./names";

/**
 * Query parameters of the drift route handlers, checked before any fleet-index call (a
 * malformed request costs no quota). Names follow AWS's patterns (./names.ts).
 */
export const DEFAULT_THINGS_LIMIT = 200;
export const MAX_THINGS_LIMIT = 5_000;

const scopeParam = z
  .string()
  .refine(isScope, { message: "any, classic or the name of an indexed named shadow." })
  .optional()
  .transform((s) => s ?? ANY_SHADOW);

const nameParam = () =>
  z
    .string()
    .refine(isRegistryName, { message: "letters, digits, ':', '_' and '-', at most 128 characters." })
    .optional()
    .transform((s) => s ?? null);

export const summaryParams = z.object({ shadow: scopeParam }).strict();

export const thingsParams = z
  .object({
    shadow: scopeParam,
    type: nameParam(),
    group: nameParam(),
    key: z
      .string()
      .refine(isKeyPath, { message: `a shadow key path such as policy.mode, at most ${MAX_KEY_LENGTH} characters.` })
      .optional()
      .transform((s) => s ?? null),
    limit: z
      .string()
      .regex(/^\d+$/, { message: `a whole number from 1 to ${MAX_THINGS_LIMIT}.` })
      .transform(Number)
      .refine((n) => n >= 1 && n <= MAX_THINGS_LIMIT, { message: `a whole number from 1 to ${MAX_THINGS_LIMIT}.` })
      .optional()
      .transform((n) => n ?? DEFAULT_THINGS_LIMIT),
  })
  .strict();

export const keysParams = z.object({}).strict();
