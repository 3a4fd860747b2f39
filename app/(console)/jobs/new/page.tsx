import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { RolloutWizard } from "@/components/jobs/wizard/rollout-wizard";
import type { WizardContext } from "@/components/jobs/wizard/wizard-types";
import { requirePage } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { getGroupTree } from "@/lib/aws/groups";
import { fleetConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import type { GroupNode } from "@/lib/groups/types";

export const metadata: Metadata = { title: "New rollout" };

function flatten(roots: readonly GroupNode[]): WizardContext["groups"] {
  const out: WizardContext["groups"] = [];
  const walk = (nodes: readonly GroupNode[], path: string[]) => {
    for (const n of nodes) {
      const here = [...path, n.name];
      out.push({ name: n.name, path: here.join(" / ") });
      walk(n.children, here);
    }
  };
  walk(roots, []);
  return out;
}

/**
 * /jobs/new: the new-rollout wizard (jobs.write). A viewer is told plainly that the role
 * does not allow it (the list and detail pages stay readable). The server hands the
 * wizard what the browser cannot know: the groups, the region the artifact placeholder
 * names, the CSP nonce of the editor; every action and route the wizard calls checks
 * jobs.write again.
 */
export default async function NewRolloutPage() {
  const session = await requirePage("fleet.read");
  if (!can(session.role, "jobs.write")) {
    return (
      <div className="max-w-2xl space-y-3" data-testid="rollout-not-allowed">
        <h1 className="text-xl font-bold">New rollout</h1>
        <div role="alert" className="rounded border border-bad/50 bg-bad/10 px-3 py-2">
          <p className="font-semibold text-bad">Your role does not allow creating rollouts</p>
          <p className="mt-1">Creating a job needs the responder or admin role; you are signed in as a {session.role}. Ask an administrator if you need it.</p>
        </div>
        <p>
          <Link href="/jobs" className="btn hover:no-underline">
            Back to the jobs
          </Link>
        </p>
      </div>
    );
  }
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  let groups: WizardContext["groups"] = [];
  let groupsError: string | null = null;
  try {
    groups = flatten((await getGroupTree()).roots);
  } catch (err) {
    groupsError = err instanceof AppError ? err.message : "unexpected error";
  }
  const ctx: WizardContext = {
    username: session.username,
    canCreateGroups: can(session.role, "registry.write"),
    region: fleetConfig().region,
    groups,
    groupsError,
    nonce,
  };
  return (
    <div className="space-y-3">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <p className="text-sm">
            <Link href="/jobs">Jobs</Link> /
          </p>
          <h1 className="text-xl font-bold">New rollout</h1>
        </div>
        <p className="max-w-prose text-sm text-muted">
          Targets, the document (and the agent build), the pace and when to stop, the blast radius, then the exact request. Nothing is sent to AWS IoT before
          Create.
        </p>
      </header>
      <RolloutWizard ctx={ctx} />
    </div>
  );
}
