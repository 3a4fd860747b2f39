import { createParser } from "nuqs/server";
import { ANY_SHADOW } from "@/lib/shadow-drift/contract";
import { isKeyPath, isRegistryName, isScope } from "@/lib/shadow-drift/names";

/**
 * URL state of the drift view, so a link pasted into a ticket opens the same view: the
 * shadow in scope (`shadow`: absent = every indexed shadow, `classic` or a named shadow)
 * and the drill-down (`type`, `group`, `key`: a pending key path of that shadow). A value
 * AWS could not hold is dropped rather than sent. `nuqs/server` holds no server-only code.
 */
const valid = (ok: (v: string) => boolean) =>
  createParser<string>({
    parse: (v) => (ok(v) ? v : null),
    serialize: (v) => v,
  });

export const driftParams = {
  shadow: valid(isScope).withDefault(ANY_SHADOW),
  type: valid(isRegistryName),
  group: valid(isRegistryName),
  key: valid(isKeyPath),
};
