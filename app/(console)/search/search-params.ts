import { createLoader, createSerializer, parseAsArrayOf, parseAsString } from "nuqs/server";

/**
 * URL state of the search workbench, so a pasted link reproduces the view: the query that
 * ran (`q`), the columns shown (`cols`, comma-separated field paths; absent = the default
 * set), and the fields the aggregations break down by (`by`, `num`). What is typed but not
 * yet run stays in the editor only. `nuqs/server` holds no server-only code; client
 * components import these parsers.
 */
export const searchParams = {
  q: parseAsString.withDefault(""),
  cols: parseAsArrayOf(parseAsString, ","),
  by: parseAsString,
  num: parseAsString,
};

export const loadSearchParams = createLoader(searchParams);
export const serializeSearchParams = createSerializer(searchParams);
