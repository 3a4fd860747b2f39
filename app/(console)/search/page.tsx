import type { Metadata } from "next";
import { headers } from "next/headers";
import { Suspense } from "react";
import { LinesSkeleton } from "@/components/ui/skeleton";
import { requirePage } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { SearchWorkbench } from "./workbench";

export const metadata: Metadata = { title: "Search" };

/**
 * The fleet search workbench. Everything on it reads through the console's search API
 * (app/api/search, rate-limited and cached on the server), so the page itself only checks
 * the caller and hands the client what it cannot know: the CSP nonce for the editor's
 * styles and what the caller's role allows.
 */
export default async function SearchPage() {
  const session = await requirePage("fleet.search");
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    // nuqs reads the URL with useSearchParams, which needs a Suspense boundary.
    <Suspense fallback={<LinesSkeleton lines={6} label="Loading the search workbench" />}>
      <SearchWorkbench
        nonce={nonce}
        viewer={{ username: session.username, isAdmin: can(session.role, "queries.manage_any") }}
        canCreateGroup={can(session.role, "registry.write")}
      />
    </Suspense>
  );
}
