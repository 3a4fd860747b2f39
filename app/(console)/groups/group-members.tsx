"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useQueryState } from "nuqs";
import { useMemo, useTransition } from "react";
import { LoadControls } from "@/components/paging/load-controls";
import { useLoadAll } from "@/components/paging/use-load-all";
import { ErrorNotice } from "@/components/ui/error-notice";
import { RefreshButton } from "@/components/ui/retry-button";
import { fetchRoute } from "@/lib/http/get-json";
import { groupMembersRoute } from "@/lib/groups/api";
import { groupsSearchParams } from "@/lib/groups/search-params";
import type { GroupMemberPage } from "@/lib/groups/types";
import type { AppErrorData } from "@/lib/errors";
import { flattenPages } from "@/lib/things/paging";

interface Props {
  group: string;
  recursive: boolean;
  initialPage: GroupMemberPage | null;
  initialError: AppErrorData | null;
  renderedAtMs: number;
}

/** The things in a group (ListThingsInThingGroup returns names only), paged to the end on demand. */
export function GroupMembers({ group, recursive, initialPage, initialError, renderedAtMs }: Props) {
  const [pending, startTransition] = useTransition();
  const [, setRecursive] = useQueryState("recursive", groupsSearchParams.recursive.withOptions({ shallow: false, startTransition }));

  return (
    <section aria-labelledby="group-members" className="rounded border border-border bg-surface">
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-border px-3 py-2">
        <h2 id="group-members" className="text-sm font-semibold tracking-wide text-muted uppercase">
          Members
        </h2>
        <label className="flex items-center gap-1.5 text-sm">
          <input type="checkbox" checked={recursive} onChange={(e) => void setRecursive(e.target.checked || null)} />
          Include things in sub-groups
          {pending ? <span className="text-xs text-muted">(updating…)</span> : null}
        </label>
      </header>
      <div className="px-3 py-2">
        {initialPage ? (
          <MemberList group={group} recursive={recursive} initialPage={initialPage} renderedAtMs={renderedAtMs} />
        ) : (
          <ErrorNotice
            error={initialError ?? { code: "internal", message: "Members could not be loaded." }}
            title="Could not list members"
            action={<RefreshButton />}
          />
        )}
      </div>
    </section>
  );
}

function MemberList({
  group,
  recursive,
  initialPage,
  renderedAtMs,
}: {
  group: string;
  recursive: boolean;
  initialPage: GroupMemberPage;
  renderedAtMs: number;
}) {
  const query = useInfiniteQuery({
    queryKey: [...groupMembersRoute.key(group, recursive, null), renderedAtMs],
    queryFn: ({ pageParam, signal }) => fetchRoute(groupMembersRoute, [group, recursive, pageParam], signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextToken,
    initialData: { pages: [initialPage], pageParams: [null] },
    staleTime: Infinity,
  });
  const { controls } = useLoadAll(query);
  const pages = query.data.pages;
  const names = useMemo(
    () =>
      flattenPages(
        pages,
        (p) => p.things,
        (n) => n,
      ),
    [pages],
  );

  if (names.length === 0) {
    return (
      <p className="text-muted">
        No things in this group{recursive ? " or its sub-groups" : ""}.
        {!recursive ? " Things may sit in its sub-groups: tick “Include things in sub-groups”." : ""}
      </p>
    );
  }
  return (
    <>
      <ul aria-label={`Things in ${group}`} className="grid grid-cols-[repeat(auto-fill,minmax(14rem,1fr))] gap-x-4 gap-y-0.5 font-mono text-[13px]">
        {names.map((n) => (
          <li key={n} className="truncate">
            <Link href={`/things/${encodeURIComponent(n)}`} title={n}>
              {n}
            </Link>
          </li>
        ))}
      </ul>
      <LoadControls {...controls} count={names.length} noun={["thing", "things"]} />
    </>
  );
}
