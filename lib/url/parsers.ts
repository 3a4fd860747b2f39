import { createParser } from "nuqs/server";

/** A boolean URL flag written as `1` and read from `1`/`true` (absent = default). */
export const parseAsFlag = createParser<boolean>({
  parse: (v) => (v === "1" || v === "true" ? true : v === "0" || v === "false" ? false : null),
  serialize: (v) => (v ? "1" : "0"),
});
