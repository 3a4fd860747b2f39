import type { NextRequest } from "next/server";
import { listThingsInGroup } from "@/lib/aws/groups";
import { MEMBERS_PAGE_SIZE, membersQuerySchema } from "@/lib/groups/api";
import { badRequest, handle, jsonOk, queryObject } from "@/lib/http/route";

/** GET /api/groups/members?group&recursive&nextToken → GroupMemberPage (ListThingsInThingGroup). */
export async function GET(req: NextRequest) {
  return handle(async () => {
    const parsed = membersQuerySchema.safeParse(queryObject(req.nextUrl.searchParams));
    if (!parsed.success) return badRequest(parsed.error);
    const { group, recursive, nextToken } = parsed.data;
    return jsonOk(await listThingsInGroup(group, recursive, nextToken, MEMBERS_PAGE_SIZE));
  });
}
