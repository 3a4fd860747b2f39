import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { createLoader, parseAsString, parseAsStringLiteral } from "nuqs/server";
import { Suspense } from "react";
import { AttributeTable } from "@/components/ui/attributes";
import { Badge } from "@/components/ui/badge";
import { KeyValues, Panel } from "@/components/ui/panel";
import { LinesSkeleton } from "@/components/ui/skeleton";
import { requirePage } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { describeThing } from "@/lib/aws/things";
import { NAME_PATTERN } from "@/lib/things/filters";
import { ThingJobsTab } from "./jobs/thing-jobs-tab";
import { ConnectivityPanel } from "./panels/connectivity-panel";
import { GroupsPanel } from "./panels/groups-panel";
import { PrincipalsPanel } from "./panels/principals-panel";
import { ShadowsSection } from "./shadows/shadows-section";
import { TAB_IDS, ThingTabs } from "./tabs";

type Params = Promise<{ thingName: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const loadTab = createLoader({ tab: parseAsStringLiteral(TAB_IDS).withDefault("overview"), shadow: parseAsString });

/** Route params arrive decoded in most cases; a stray %xx (":" → %3A) is decoded once more. */
function thingNameFrom(raw: string): string {
  try {
    return raw.includes("%") ? decodeURIComponent(raw) : raw;
  } catch {
    return raw;
  }
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: thingNameFrom((await params).thingName) };
}

export default async function ThingPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const session = await requirePage("fleet.read");
  const name = thingNameFrom((await params).thingName);
  const { tab, shadow } = await loadTab(searchParams);
  // A name AWS could never hold is simply not a thing: no need to ask.
  if (name.length > 128 || !NAME_PATTERN.test(name)) notFound();
  const thing = await describeThing(name);
  if (!thing) notFound();

  return (
    <div className="space-y-3">
      <nav aria-label="Breadcrumb" className="text-sm text-muted">
        <Link href="/things">Things</Link> <span aria-hidden="true">/</span> <span className="font-mono">{thing.name}</span>
      </nav>
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="font-mono text-xl font-bold break-all">{thing.name}</h1>
        {thing.typeName ? (
          <Link href={`/things?type=${encodeURIComponent(thing.typeName)}`} className="hover:no-underline" title="List things of this type">
            <Badge tone="info">{thing.typeName}</Badge>
          </Link>
        ) : (
          <Badge tone="neutral">no type</Badge>
        )}
      </header>
      <ThingTabs thingName={thing.name} active={tab} />

      {tab === "overview" ? (
        <div className="grid gap-3 xl:grid-cols-2">
          <div className="space-y-3">
            <Panel title="Details" id="panel-details">
              <KeyValues
                items={[
                  { label: "Thing name", value: thing.name, mono: true },
                  { label: "Thing ID", value: thing.id ?? "—", mono: true },
                  { label: "ARN", value: thing.arn ?? "—", mono: true },
                  { label: "Type", value: thing.typeName ?? "—" },
                  { label: "Version", value: thing.version ?? "—", mono: true },
                  ...(thing.billingGroupName ? [{ label: "Billing group", value: thing.billingGroupName, mono: true }] : []),
                ]}
              />
            </Panel>
            <Panel title={`Attributes (${Object.keys(thing.attributes).length})`} id="panel-attributes">
              <AttributeTable attributes={thing.attributes} />
            </Panel>
          </div>
          <div className="space-y-3">
            <Panel title="Connectivity" id="panel-connectivity">
              <Suspense fallback={<LinesSkeleton lines={3} label="Loading connectivity" />}>
                <ConnectivityPanel thingName={thing.name} />
              </Suspense>
            </Panel>
            <Panel title="Groups" id="panel-groups">
              <Suspense fallback={<LinesSkeleton lines={2} label="Loading groups" />}>
                <GroupsPanel thingName={thing.name} />
              </Suspense>
            </Panel>
          </div>
          <div className="xl:col-span-2">
            <Panel title="Certificates and principals" id="panel-principals">
              <Suspense fallback={<LinesSkeleton lines={4} label="Loading certificates" />}>
                <PrincipalsPanel thingName={thing.name} />
              </Suspense>
            </Panel>
          </div>
        </div>
      ) : tab === "shadows" ? (
        // nuqs reads the URL with useSearchParams, which needs a Suspense boundary.
        <Suspense fallback={<LinesSkeleton lines={6} label="Loading shadows" />}>
          <ShadowsSection thingName={thing.name} shadowParam={shadow} canEdit={can(session.role, "shadow.write")} role={session.role} />
        </Suspense>
      ) : (
        <ThingJobsTab thingName={thing.name} />
      )}
    </div>
  );
}
