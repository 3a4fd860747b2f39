import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentSession } from "@/lib/auth/current";
import { safeNextPath } from "@/lib/auth/next-path";
import { oidcConfig } from "@/lib/auth/oidc-config";
import { signinErrorMessage } from "@/lib/auth/signin-messages";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Open to anyone (outside app/(console)/): the only page an anonymous caller gets. */
export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const next = safeNextPath(first(params.next));
  // Already signed in (a bookmarked sign-in page, the back button): go on.
  if (await currentSession()) redirect(next);

  const oidc = oidcConfig();
  const notice = signinErrorMessage(first(params.error));
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-10">
      <div className="w-full max-w-sm space-y-4">
        <header className="text-center">
          <p className="text-lg font-bold tracking-tight">Fleet Console</p>
          <h1 className="mt-1 text-xl font-bold">Sign in</h1>
        </header>
        <div className="space-y-4 rounded border border-border bg-surface p-5">
          {notice ? (
            <p role="alert" className="rounded border border-bad/50 bg-bad/10 px-3 py-2 text-sm">
              {notice}
            </p>
          ) : null}
          <SignInForm next={next} />
          {oidc ? (
            <>
              <p className="flex items-center gap-2 text-xs text-muted" aria-hidden="true">
                <span className="h-px flex-1 bg-border" />
                or
                <span className="h-px flex-1 bg-border" />
              </p>
              {/* A plain link, not <Link>: the start route redirects to the provider and must not be prefetched. */}
              <a href={`/api/auth/oidc/start?next=${encodeURIComponent(next)}`} className="btn w-full justify-center hover:no-underline">
                Sign in with {oidc.label}
              </a>
            </>
          ) : null}
        </div>
      </div>
    </main>
  );
}
