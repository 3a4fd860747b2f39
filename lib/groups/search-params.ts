import { createLoader, parseAsString } from "nuqs/server";
import { parseAsFlag } from "@/lib/url/parsers";

/** URL state of /groups: the selected group and whether members include sub-groups. */
export const groupsSearchParams = {
  group: parseAsString,
  recursive: parseAsFlag.withDefault(false),
};

export const loadGroupsSearchParams = createLoader(groupsSearchParams);
