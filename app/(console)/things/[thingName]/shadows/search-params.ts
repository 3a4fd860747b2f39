import { parseAsString, parseAsStringLiteral } from "nuqs/server";

/**
 * URL state of a thing's shadows tab (beside `?tab=shadows`), so a link opens the same
 * view: which shadow (`shadow`: `classic` or a named shadow's name; the drift page links
 * here), the comparison or the raw document (`view`), all keys or only the differences
 * (`keys`). `nuqs/server` holds no server-only code; the client imports these parsers.
 */
export const shadowTabParams = {
  shadow: parseAsString.withDefault("classic"),
  view: parseAsStringLiteral(["compare", "raw"] as const).withDefault("compare"),
  keys: parseAsStringLiteral(["all", "differences"] as const).withDefault("all"),
};
