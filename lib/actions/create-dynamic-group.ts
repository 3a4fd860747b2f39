"use server";
import "server-only";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { awsRequestIdOf, createDynamicThingGroup } from "@/lib/aws/fleet-index";
import { invalidateGroupTree } from "@/lib/aws/groups";
import { action, targetField } from "@/lib/auth/guard";
import { queryText } from "@/lib/fleet-search/request-params";
import { NAME_PATTERN } from "@/lib/things/filters";

const input = z.object({
  name: z
    .string({ error: "Name the group." })
    .trim()
    .min(1, "Name the group.")
    .max(128, "A group name is at most 128 characters.")
    .regex(NAME_PATTERN, "A group name is letters, digits, ':', '_' or '-'."),
  query: queryText("Enter the query that defines the group."),
  description: z
    .string()
    .trim()
    .max(2028, "Use at most 2028 characters.")
    .regex(/^[\p{L}\p{N}\p{P}\p{S} ]*$/u, "Use printable characters only.")
    .optional()
    .transform((v) => v || undefined),
});

/**
 * "Save as dynamic group": a dynamic thing group whose members are the things matching
 * the query, kept current by AWS IoT as things change. Admins only (registry.write). The
 * audit record carries AWS's request id, for matching it against CloudTrail.
 */
export const createDynamicGroupFromQuery = action(
  { name: "groups.create_dynamic", requirement: "registry.write", input, target: targetField("name") },
  async (data, ctx) => {
    ctx.audit.target = data.name;
    try {
      const group = await createDynamicThingGroup(data);
      ctx.audit.awsRequestId = group.awsRequestId;
      invalidateGroupTree();
      revalidatePath("/groups");
      return { name: group.name, arn: group.arn, id: group.id };
    } catch (err) {
      // AWS's refusals (name taken, group limit) are worded by lib/aws/errors.ts.
      ctx.audit.awsRequestId = awsRequestIdOf(err);
      throw err;
    }
  },
);
