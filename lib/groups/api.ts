import { z } from "zod";
import { NAME_PATTERN } from "@/lib/things/filters";
import { nextTokenParam } from "@/lib/things/paging";

/** The contract of GET /api/groups/members (a group's things, paged to the end by the browser). */
export const MEMBERS_PAGE_SIZE = 250;

export const membersQuerySchema = z
  .object({
    group: z
      .string({ message: "Pass the group name as ?group=" })
      .min(1, { message: "Pass the group name as ?group=" })
      .max(128)
      .regex(NAME_PATTERN, { message: "Group names are 1–128 letters, digits, ':', '_' or '-'." }),
    recursive: z.enum(["0", "1", "true", "false"], { message: "recursive: use 1 or 0." }).optional().transform((v) => v === "1" || v === "true"),
    nextToken: nextTokenParam,
  })
  .strict();

export function membersApiUrl(group: string, recursive: boolean, nextToken: string | null): string {
  const p = new URLSearchParams({ group });
  if (recursive) p.set("recursive", "1");
  if (nextToken) p.set("nextToken", nextToken);
  return `/api/groups/members?${p.toString()}`;
}
