"use client";

import { useFormStatus } from "react-dom";
import { signOut } from "@/lib/actions/sign-out";

/**
 * Ends the session on the server, then loads the sign-in page as a new document: the
 * client router and react-query caches of the signed-in pages go with the old page, so
 * the back button cannot bring them back without asking the server (which says no).
 */
export function SignOutButton() {
  return (
    <form
      action={async () => {
        // Even if the session had already ended (the action then refuses), the way out is the same.
        await signOut({}).catch(() => undefined);
        window.location.assign("/sign-in");
      }}
    >
      <Submit />
    </form>
  );
}

function Submit() {
  const { pending } = useFormStatus();
  return (
    <button type="submit" className="btn px-2 py-0.5 text-xs" disabled={pending}>
      {pending ? "Signing out…" : "Sign out"}
    </button>
  );
}
