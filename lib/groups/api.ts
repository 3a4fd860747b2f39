import { z } from "zod";
import { defineRoute } from "@/lib/http/contract";
import { queryKeys } from "@/lib/query-keys";
import { NAME_PATTERN } from "@/lib/things/filters";
import { nextTokenParam } from "@/lib/things/paging";
import type { GroupMemberPage } from "./types";

/** GET /api/groups/members?group&recursive&nextToken → GroupMemberPage (a group's things, paged to the end by the browser). */
export const MEMBERS_PAGE_SIZE = 250;

export const membersQuerySchema = z
  .object({
    group: z
      .string({ message: "Pass the group name as ?group=" })
      .min(1, { message: "Pass the group name as ?group=" })
      .max(128)
      .regex(NAME_PATTERN, { message: "Group names are 1–128 letters, digits, ':', '_' or '-'." }),
    recursive: z
      .enum(["0", "1", "true", "false"], { message: "use 1 or 0." })
      .optional()
      .transform((v) => v === "1" || v === "true"),
    nextToken: nextTokenParam,
  })
  .strict();

export const groupMembersRoute = defineRoute<GroupMemberPage>()({
  path: "/api/groups/members",
  permission: "fleet.read",
  query: membersQuerySchema,
  request: (group: string, recursive: boolean, nextToken: string | null) => ({ query: { group, recursive, nextToken } }),
  key: (group: string, recursive: boolean) => queryKeys.groups.members(group, recursive),
});
