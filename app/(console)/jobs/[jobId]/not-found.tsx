"use client";

import Link from "next/link";
import { useParams } from "next/navigation";

/** The 404 of /jobs/[jobId]: which job, and where to go instead. */
export default function JobNotFound() {
  const params = useParams<{ jobId?: string }>();
  const id = params?.jobId ?? "";
  return (
    <div className="max-w-2xl space-y-3">
      <p className="text-sm font-semibold text-muted">404 · Job not found</p>
      <h1 className="text-xl font-bold">
        The job <span className="font-mono break-all">“{id}”</span> does not exist
      </h1>
      <p>No job with this id is known to AWS IoT. It may have been deleted, or the id is misspelled (job ids are case-sensitive).</p>
      <p>
        <Link href="/jobs" className="btn hover:no-underline">
          Back to the jobs list
        </Link>
      </p>
    </div>
  );
}
