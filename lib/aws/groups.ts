import "server-only";
import {
  DescribeThingGroupCommand,
  ListThingGroupsCommand,
  ListThingGroupsForThingCommand,
  ListThingsInThingGroupCommand,
} from "@aws-sdk/client-iot";
import type { GroupDetail, GroupMemberPage, GroupMembership, GroupTree } from "@/lib/groups/types";
import { buildGroupForest, compareNames } from "@/lib/groups/tree";
import { mapWithConcurrency } from "@/lib/async/limiter";
import { withRetry } from "@/lib/async/retry";
import { createTtlCache } from "@/lib/async/ttl-cache";
import { normalizeToken } from "@/lib/things/paging";
import { AppError } from "@/lib/errors";
import { aws, collectPages, isoOrNull } from "./client";
import { processSingleton } from "./singleton";

/**
 * Building the tree is one ListThingGroups call per group, which is exactly the kind of
 * burst AWS throttles. Calls run a few at a time, back off on ThrottlingException, and
 * the finished tree is cached for 30 s and shared by concurrent requests.
 */
const TREE_TTL_MS = 30_000;
const TREE_CONCURRENCY = 6;
const retryThrottled = <T>(task: () => Promise<T>) =>
  withRetry(task, (e) => e instanceof AppError && e.code === "throttled", { retries: 5, baseMs: 250, maxMs: 4_000 });

const treeCache = () => processSingleton("groups.tree", () => createTtlCache<GroupTree>({ ttlMs: TREE_TTL_MS, maxEntries: 1 }));

async function listGroupNames(parentGroup?: string): Promise<string[]> {
  const groups = await collectPages((token) =>
    retryThrottled(async () => {
      const out = await aws("ListThingGroups", (c) =>
        c.send(new ListThingGroupsCommand({ parentGroup, recursive: parentGroup ? false : undefined, nextToken: token, maxResults: 250 })),
      );
      return { items: out.thingGroups ?? [], next: out.nextToken };
    }),
  );
  return groups.map((g) => g.groupName ?? "").filter(Boolean);
}

export async function getGroupTree(): Promise<GroupTree> {
  return treeCache().get("tree", async () => {
    const all = await listGroupNames();
    const children = await mapWithConcurrency(all, TREE_CONCURRENCY, (name) => listGroupNames(name));
    const childrenOf = new Map(all.map((name, i) => [name, children[i]]));
    const roots = buildGroupForest(all, childrenOf);
    return { roots, total: new Set(all).size, builtAtMs: Date.now() };
  });
}

/** Drops the cached tree, after the console itself created or deleted a group. */
export function invalidateGroupTree(): void {
  treeCache().invalidate();
}

/** DescribeThingGroup; null when the group does not exist. */
export async function describeThingGroup(name: string): Promise<GroupDetail | null> {
  try {
    const g = await aws("DescribeThingGroup", (c) => c.send(new DescribeThingGroupCommand({ thingGroupName: name })));
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
    const out = await aws("ListThingGroupsForThing", (c) =>
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
  const out = await aws("ListThingsInThingGroup", (c) =>
    c.send(new ListThingsInThingGroupCommand({ thingGroupName: group, recursive, nextToken: nextToken || undefined, maxResults: size })),
  );
  return { things: out.things ?? [], nextToken: normalizeToken(out.nextToken) };
}
