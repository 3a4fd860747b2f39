import Link from "next/link";
import { Fragment } from "react";
import { AttributeTable } from "@/components/ui/attributes";
import { Badge } from "@/components/ui/badge";
import { ErrorNotice } from "@/components/ui/error-notice";
import { KeyValues, Panel } from "@/components/ui/panel";
import { RefreshButton } from "@/components/ui/retry-button";
import { describeThingGroup, listThingsInGroup } from "@/lib/aws/groups";
import { toErrorData } from "@/lib/errors";
import { formatUtc } from "@/lib/format/time";
import { MEMBERS_PAGE_SIZE } from "@/lib/groups/api";
import { NAME_PATTERN } from "@/lib/things/filters";
import type { GroupDetail, GroupMemberPage } from "@/lib/groups/types";
import { GroupMembers } from "./group-members";

const groupHref = (name: string) => `/groups?group=${encodeURIComponent(name)}`;

export async function GroupDetails({ name, recursive }: { name: string; recursive: boolean }) {
  if (name.length > 128 || !NAME_PATTERN.test(name)) return <Missing name={name} />;
  let detail: GroupDetail | null;
  let firstPage: GroupMemberPage | null = null;
  let membersError = null;
  try {
    // Both calls at once; members failing alone still shows the group.
    const [d, m] = await Promise.allSettled([describeThingGroup(name), listThingsInGroup(name, recursive, null, MEMBERS_PAGE_SIZE)]);
    if (d.status === "rejected") throw d.reason;
    detail = d.value;
    if (m.status === "fulfilled") firstPage = m.value;
    else membersError = toErrorData(m.reason);
  } catch (err) {
    return <ErrorNotice error={toErrorData(err)} title={`Could not load group “${name}”`} action={<RefreshButton />} />;
  }
  if (!detail) return <Missing name={name} />;

  const path = [...detail.ancestors, detail.name];
  return (
    <div className="space-y-3">
      <header className="space-y-1">
        <nav aria-label="Path to root" className="font-mono text-[13px]">
          {path.map((p, i) => (
            <Fragment key={p}>
              {i > 0 ? (
                <span className="px-1 text-muted" aria-hidden="true">
                  ›
                </span>
              ) : null}
              {p === detail.name ? <span className="font-semibold">{p}</span> : <Link href={groupHref(p)}>{p}</Link>}
            </Fragment>
          ))}
        </nav>
        <h2 className="flex items-center gap-2 text-lg font-bold">
          <span className="font-mono break-all">{detail.name}</span>
          {detail.dynamicQuery ? <Badge tone="info">dynamic</Badge> : null}
        </h2>
        <p className={detail.description ? "" : "text-muted"}>{detail.description ?? "No description."}</p>
      </header>

      <div className="grid gap-3 xl:grid-cols-2">
        <Panel title="Details" id="group-details">
          <KeyValues
            items={[
              {
                label: "Parent",
                value: detail.parentName ? (
                  <Link href={groupHref(detail.parentName)} className="font-mono">
                    {detail.parentName}
                  </Link>
                ) : (
                  "— (root group)"
                ),
              },
              { label: "Depth", value: `level ${path.length} of max 7` },
              { label: "Created", value: formatUtc(detail.createdAt), mono: true },
              { label: "Version", value: detail.version ?? "—", mono: true },
              { label: "ARN", value: detail.arn ?? "—", mono: true },
              ...(detail.dynamicQuery ? [{ label: "Query", value: detail.dynamicQuery, mono: true }] : []),
            ]}
          />
        </Panel>
        <Panel title={`Attributes (${Object.keys(detail.attributes).length})`} id="group-attributes">
          <AttributeTable attributes={detail.attributes} />
        </Panel>
      </div>

      <GroupMembers group={detail.name} recursive={recursive} initialPage={firstPage} initialError={membersError} renderedAtMs={Date.now()} />
    </div>
  );
}

function Missing({ name }: { name: string }) {
  return (
    <div role="alert" className="rounded border border-bad/50 bg-bad/10 px-3 py-2">
      <p className="font-semibold text-bad">Group not found</p>
      <p>
        The thing group <span className="font-mono">“{name}”</span> does not exist. It may have been deleted; pick another group in the tree.
      </p>
    </div>
  );
}
