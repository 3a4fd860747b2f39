import type { Metadata } from "next";
import Link from "next/link";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { ThemeToggle } from "@/components/theme/theme-toggle";
import { requirePage } from "@/lib/auth/guard";
import { safeNextPath } from "@/lib/auth/next-path";
import { ChangePasswordForm } from "./change-password-form";

export const metadata: Metadata = { title: "Change password" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * A signed-in user sets their own password. Outside app/(console)/ (no sidebar): a user
 * whose password is temporary is sent here by every other page and may do nothing else
 * until it is done (lib/auth/guard.ts), so this page must not need what they are denied.
 */
export default async function ChangePasswordPage({ searchParams }: { searchParams: SearchParams }) {
  const session = await requirePage("authenticated", { duringPasswordChange: true });
  const next = safeNextPath(first((await searchParams).next));
  const forced = session.mustChangePassword;

  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-10">
      <div className="w-full max-w-sm space-y-4">
        <header className="text-center">
          <p className="text-lg font-bold tracking-tight">Fleet Console</p>
          <h1 className="mt-1 text-xl font-bold">{forced ? "Choose your own password" : "Change your password"}</h1>
        </header>
        <div className="space-y-4 rounded border border-border bg-surface p-5">
          {forced ? (
            <p role="status" className="rounded border border-warn/50 bg-warn/10 px-3 py-2 text-sm">
              You signed in as <span className="font-mono font-semibold">{session.username}</span> with a temporary password (generated at first start, or set
              by an administrator). Choose your own to continue: the console opens once it is set.
            </p>
          ) : null}
          {session.source === "oidc" ? (
            <p className="text-sm">Your password is kept by your identity provider: change it there.</p>
          ) : (
            <ChangePasswordForm next={next} username={session.username} temporary={forced} />
          )}
        </div>
        <div className="flex items-center justify-between gap-2 text-sm">
          {forced ? <span className="text-muted">Not you, or not now?</span> : <Link href={next}>Back to the console</Link>}
          <SignOutButton />
        </div>
        <ThemeToggle />
      </div>
    </main>
  );
}
