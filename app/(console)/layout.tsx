import type { ReactNode } from "react";
import { Sidebar } from "@/components/nav/sidebar";
import { requirePage } from "@/lib/auth/guard";
import { describeBackend } from "@/lib/config";

/**
 * The signed-in console: every page under app/(console)/ needs a session. The check here
 * keeps the sidebar (and the user shown in it) away from anonymous callers; each page
 * checks again for itself, because layouts do not re-render on client navigation.
 */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const session = await requirePage("fleet.read");
  return (
    <div className="flex min-h-screen">
      <Sidebar
        backendLabel={describeBackend()}
        user={{ username: session.username, displayName: session.displayName, role: session.role, source: session.source }}
      />
      <main className="min-w-0 flex-1 px-5 py-4">{children}</main>
    </div>
  );
}
