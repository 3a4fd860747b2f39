import { createLoader, parseAsInteger, parseAsString } from "nuqs/server";
import { parseAsFlag } from "@/lib/url/parsers";
import { DEFAULT_PAGE_SIZE } from "./filters";

/**
 * URL state of the things list, shared by the server page, the route handler and the
 * filter bar, so a shared link shows exactly the same list. `nuqs/server` holds no
 * server-only code; client components may import these parsers.
 */

export const thingsSearchParams = {
  type: parseAsString,
  attr: parseAsString,
  value: parseAsString,
  prefix: parseAsFlag.withDefault(false),
  size: parseAsInteger.withDefault(DEFAULT_PAGE_SIZE),
};

export const loadThingsSearchParams = createLoader(thingsSearchParams);
