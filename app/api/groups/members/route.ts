import { listThingsInGroup } from "@/lib/aws/groups";
import { route } from "@/lib/auth/guard";
import { MEMBERS_PAGE_SIZE, membersQuerySchema } from "@/lib/groups/api";
import { badRequest, jsonOk, queryObject } from "@/lib/http/route";

/** GET /api/groups/members?group&recursive&nextToken → GroupMemberPage (ListThingsInThingGroup). */
export const GET = route("fleet.read", async (req) => {
  const parsed = membersQuerySchema.safeParse(queryObject(req.nextUrl.searchParams));
  if (!parsed.success) return badRequest(parsed.error);
  const { group, recursive, nextToken } = parsed.data;
  return jsonOk(await listThingsInGroup(group, recursive, nextToken, MEMBERS_PAGE_SIZE));
});
