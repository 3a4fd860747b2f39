import "server-only";
import { DescribeThingGroupCommand, ListThingGroupsCommand, ListThingGroupsForThingCommand, ListThingsInThingGroupCommand } from "@aws-sdk/client-iot";
import type { GroupDetail, GroupMemberPage, GroupMembership, GroupTree } from "@/lib/groups/types";
import { buildGroupForest, compareNames } from "@/lib/groups/tree";
import { mapWithConcurrency } from "@/lib/async/limiter";
import { normalizeToken } from "@/lib/things/paging";
import { AppError } from "@/lib/errors";
import { forgetShared, shared } from "./call-policy";
import { collectPages, isoOrNull, readIot } from "./client";

/**
 * Building the tree is one ListThingGroups call per group, which is exactly the kind of
 * burst AWS throttles. Calls spend the registry budget (a few in flight at once), back
 * off on ThrottlingException longer than a single read would (the tree must finish), and
 * the finished tree is cached for 30 s and shared by concurrent requests.
 */
const TREE = { name: "groups.tree", cacheMs: 30_000, maxEntries: 1 };
const TREE_CONCURRENCY = 6;
const TREE_RETRIES = 5;

async function listGroupNames(parentGroup?: string): Promise<string[]> {
  const groups = await collectPages(async (token) => {
    const args = { parentGroup, recursive: parentGroup ? false : undefined, nextToken: token, maxResults: 250 };
    const out = await readIot({ operation: "ListThingGroups", budget: "registry", key: args, retries: TREE_RETRIES }, (c) =>
      c.send(new ListThingGroupsCommand(args)),
    );
    return { items: out.thingGroups ?? [], next: out.nextToken };
  });
  return groups.map((g) => g.groupName ?? "").filter(Boolean);
}

export async function getGroupTree(): Promise<GroupTree> {
  return shared(TREE, async () => {
    const all = await listGroupNames();
    const children = await mapWithConcurrency(all, TREE_CONCURRENCY, (name) => listGroupNames(name));
    const childrenOf = new Map(all.map((name, i) => [name, children[i]]));
    const roots = buildGroupForest(all, childrenOf);
    return { roots, total: new Set(all).size, builtAtMs: Date.now() };
  });
}

/** Drops the cached tree, after the console itself created or deleted a group. */
export function invalidateGroupTree(): void {
  forgetShared(TREE);
}

/** DescribeThingGroup; null when the group does not exist. */
export async function describeThingGroup(name: string): Promise<GroupDetail | null> {
  try {
    const g = await readIot({ operation: "DescribeThingGroup", budget: "registry", key: { thingGroupName: name } }, (c) =>
      c.send(new DescribeThingGroupCommand({ thingGroupName: name })),
    );
    const meta = g.thingGroupMetadata;
    return {
      name: g.thingGroupName ?? name,
      arn: g.thingGroupArn ?? null,
      description: g.thingGroupProperties?.thingGroupDescription || null,
      attributes: { ...(g.thingGroupProperties?.attributePayload?.attributes ?? {}) },
      parentName: meta?.parentGroupName ?? null,
      ancestors: (meta?.rootToParentThingGroups ?? []).map((p) => p.groupName ?? "").filter(Boolean),
      createdAt: isoOrNull(meta?.creationDate),
      version: typeof g.version === "number" ? g.version : null,
      dynamicQuery: g.queryString ?? null,
    };
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  }
}

/** The groups a thing is in, each with its path from the root. */
export async function listGroupsForThing(thingName: string): Promise<GroupMembership[]> {
  const groups = await collectPages(async (token) => {
    const out = await readIot({ operation: "ListThingGroupsForThing", budget: "registry", key: { thingName, nextToken: token } }, (c) =>
      c.send(new ListThingGroupsForThingCommand({ thingName, nextToken: token, maxResults: 100 })),
    );
    return { items: out.thingGroups ?? [], next: out.nextToken };
  });
  const names = [...new Set(groups.map((g) => g.groupName ?? "").filter(Boolean))].sort(compareNames);
  return mapWithConcurrency(names, 4, async (name) => {
    const detail = await describeThingGroup(name);
    return { name, path: [...(detail?.ancestors ?? []), name] };
  });
}

/** One page of a group's members (names only, as AWS returns them). */
export async function listThingsInGroup(group: string, recursive: boolean, nextToken?: string | null, size = 100): Promise<GroupMemberPage> {
  const args = { thingGroupName: group, recursive, nextToken: nextToken || undefined, maxResults: size };
  const out = await readIot({ operation: "ListThingsInThingGroup", budget: "registry", key: args }, (c) => c.send(new ListThingsInThingGroupCommand(args)));
  return { things: out.things ?? [], nextToken: normalizeToken(out.nextToken) };
}
