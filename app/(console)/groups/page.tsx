import type { Metadata } from "next";
import { Suspense } from "react";
import { GroupTree } from "@/components/groups/group-tree";
import { ErrorNotice } from "@/components/ui/error-notice";
import { RefreshButton } from "@/components/ui/retry-button";
import { LinesSkeleton } from "@/components/ui/skeleton";
import { requirePage } from "@/lib/auth/guard";
import { getGroupTree } from "@/lib/aws/groups";
import { toErrorData } from "@/lib/errors";
import { plural } from "@/lib/format/count";
import { loadGroupsSearchParams } from "@/lib/groups/search-params";
import { GroupDetails } from "./group-details";

export const metadata: Metadata = { title: "Groups" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function GroupsPage({ searchParams }: { searchParams: SearchParams }) {
  await requirePage("fleet.read");
  const { group, recursive } = await loadGroupsSearchParams(searchParams);
  return (
    <div className="space-y-3">
      <header className="flex items-baseline justify-between">
        <h1 className="text-xl font-bold">Groups</h1>
        <p className="text-sm text-muted">The static thing-group hierarchy (customer › site › role)</p>
      </header>
      <div className="grid gap-3 lg:grid-cols-[minmax(18rem,24rem)_1fr]">
        <section aria-label="Group hierarchy" className="h-[calc(100vh-7rem)] overflow-hidden rounded border border-border bg-surface">
          <Suspense
            fallback={
              <div className="p-3">
                <LinesSkeleton lines={12} label="Loading the group hierarchy" />
              </div>
            }
          >
            <TreeLoader selected={group} />
          </Suspense>
        </section>
        <div className="min-w-0">
          {group ? (
            <Suspense
              key={`${group}:${recursive}`}
              fallback={
                <div className="rounded border border-border bg-surface p-3">
                  <LinesSkeleton lines={8} label="Loading the group" />
                </div>
              }
            >
              <GroupDetails name={group} recursive={recursive} />
            </Suspense>
          ) : (
            <div className="rounded border border-border bg-surface px-4 py-8 text-center text-muted">
              Select a group in the tree (arrow keys and Enter work too) to see its details and members.
            </div>
          )}
        </div>
      </div>
    </div>
  );
}

async function TreeLoader({ selected }: { selected: string | null }) {
  try {
    const tree = await getGroupTree();
    return (
      <div className="flex h-full flex-col">
        <p className="border-b border-border px-3 py-1.5 text-xs text-muted">{plural(tree.total, "group")} · refreshed every 30 s</p>
        <div className="min-h-0 flex-1">
          <GroupTree roots={tree.roots} selected={selected} />
        </div>
      </div>
    );
  } catch (err) {
    return (
      <div className="p-3">
        <ErrorNotice error={toErrorData(err)} title="Could not load the group hierarchy" action={<RefreshButton />} />
      </div>
    );
  }
}
