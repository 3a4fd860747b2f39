import { listThingsInGroup } from "@/lib/aws/groups";
import { groupMembersRoute, MEMBERS_PAGE_SIZE } from "@/lib/groups/api";
import { apiRoute } from "@/lib/http/api-route";

/** GET /api/groups/members?group&recursive&nextToken → GroupMemberPage (ListThingsInThingGroup). */
export const GET = apiRoute(groupMembersRoute, ({ query: { group, recursive, nextToken } }) =>
  listThingsInGroup(group, recursive, nextToken, MEMBERS_PAGE_SIZE),
);
