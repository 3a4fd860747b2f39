import { z } from "zod";

/**
 * AWS list tokens are opaque; the console only passes them back. They are checked for
 * shape so a mangled URL gets a 400 from our route handler rather than an AWS error.
 */
export const MAX_TOKEN_LENGTH = 8192;

export const nextTokenParam = z
  .string()
  .max(MAX_TOKEN_LENGTH, { message: "nextToken is too long." })
  .regex(/^[\x21-\x7e]+$/, { message: "nextToken must be printable ASCII without spaces." })
  .optional();

/** AWS returns "" or omits the token at the end; both mean "no more pages". */
export function normalizeToken(token: string | null | undefined): string | null {
  return token ? token : null;
}

/**
 * Flattens loaded pages, dropping repeats by key: a list that changes while it is paged
 * (things created or deleted meanwhile) can hand the same item out twice.
 */
export function flattenPages<P, T>(pages: readonly P[], items: (page: P) => readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const page of pages) {
    for (const item of items(page)) {
      const k = key(item);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(item);
    }
  }
  return out;
}
