import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { LinesSkeleton } from "@/components/ui/skeleton";
import { requirePage } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { describeJob } from "@/lib/aws/jobs";
import { JOB_ID_PATTERN } from "@/lib/jobs/filters";
import { countJobTargets } from "@/lib/jobs/target-count";
import { JobView } from "./job-view";

type Params = Promise<{ jobId: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: `Job ${(await params).jobId}` };
}

/**
 * A job: live counts, progress against its rate, abort criteria, ETA, the document and
 * the executions. The first DescribeJob is read here so the page paints with figures;
 * the browser keeps them current (lib/jobs/api.ts JOB_POLL). The target count (up to 40
 * ListThingsInThingGroup a group) is not awaited: its promise streams to the browser,
 * which fills in the ETA and the bar's empty part when it arrives.
 */
export default async function JobPage({ params }: { params: Params }) {
  const session = await requirePage("fleet.read");
  const { jobId } = await params;
  if (!JOB_ID_PATTERN.test(jobId)) notFound();
  const job = await describeJob(jobId);
  if (!job) notFound();
  // The target count feeds only the ETA and the bar's empty part: a failure leaves them out.
  const targetCount = countJobTargets(job).catch(() => null);

  return (
    <div className="space-y-3">
      <nav aria-label="Breadcrumb" className="text-sm text-muted">
        <Link href="/jobs">Jobs</Link> <span aria-hidden="true">/</span> <span className="font-mono">{job.jobId}</span>
      </nav>
      <Suspense fallback={<LinesSkeleton lines={8} label="Loading the job" />}>
        <JobView
          initial={{ job }}
          targetCount={targetCount}
          canWrite={can(session.role, "jobs.write")}
          canCreateGroups={can(session.role, "registry.write")}
          renderedAtMs={Date.now()}
        />
      </Suspense>
    </div>
  );
}
