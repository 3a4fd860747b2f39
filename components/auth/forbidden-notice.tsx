import Link from "next/link";

/** The 403 page's content: what happened and where to go instead. */
export function ForbiddenNotice() {
  return (
    <div className="max-w-2xl space-y-3">
      <p className="text-sm font-semibold text-muted">403</p>
      <h1 className="text-xl font-bold">Your role does not give access to this page</h1>
      <p>You are signed in, but this part of the console needs a role you do not have. If you need it, ask an administrator to change your role.</p>
      <p>
        <Link href="/things" className="btn hover:no-underline">
          Go to the things list
        </Link>
      </p>
    </div>
  );
}
