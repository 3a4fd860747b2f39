import Link from "next/link";
import { Fragment } from "react";
import { ErrorNotice } from "@/components/ui/error-notice";
import { RefreshButton } from "@/components/ui/retry-button";
import { listGroupsForThing } from "@/lib/aws/groups";
import { toErrorData } from "@/lib/errors";
import type { GroupMembership } from "@/lib/groups/types";

const groupHref = (name: string) => `/groups?group=${encodeURIComponent(name)}`;

/** Each group the thing is in, shown as its path from the root (customer › site › role). */
export async function GroupsPanel({ thingName }: { thingName: string }) {
  let groups: GroupMembership[];
  try {
    groups = await listGroupsForThing(thingName);
  } catch (err) {
    return <ErrorNotice error={toErrorData(err)} title="Could not list the thing's groups" action={<RefreshButton />} />;
  }
  if (groups.length === 0) return <p className="text-muted">This thing is not in any thing group.</p>;
  return (
    <ul className="space-y-1" aria-label="Thing groups">
      {groups.map((g) => (
        <li key={g.name} className="font-mono text-[13px]">
          <nav aria-label={`Path to ${g.name}`}>
            {g.path.map((p, i) => (
              <Fragment key={p}>
                {i > 0 ? (
                  <span className="px-1 text-muted" aria-hidden="true">
                    ›
                  </span>
                ) : null}
                <Link href={groupHref(p)} className={i === g.path.length - 1 ? "font-semibold" : ""}>
                  {p}
                </Link>
              </Fragment>
            ))}
          </nav>
        </li>
      ))}
    </ul>
  );
}
