import type { Metadata } from "next";
import { Suspense } from "react";
import { LinesSkeleton } from "@/components/ui/skeleton";
import { requirePage } from "@/lib/auth/guard";
import { DriftView } from "./drift-view";

export const metadata: Metadata = { title: "Drift" };

/**
 * The fleet drift view. Its figures come through the console's drift API (app/api/drift,
 * quota-protected and cached on the server) and refresh on their own, so the page itself
 * only checks the caller.
 */
export default async function DriftPage() {
  await requirePage("fleet.read");
  return (
    // nuqs reads the URL with useSearchParams, which needs a Suspense boundary.
    <Suspense fallback={<LinesSkeleton lines={6} label="Loading the drift view" />}>
      <DriftView />
    </Suspense>
  );
}
