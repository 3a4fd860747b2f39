"use client";

import { useActionState } from "react";
import { changePassword } from "@/lib/actions/change-password";
import { AuthField } from "@/components/auth/auth-field";

type State = { error: string | null; fieldErrors: Record<string, string>; done: boolean };
const INITIAL: State = { error: null, fieldErrors: {}, done: false };

const HINT = "12 to 256 characters; not a common password, a sequence, a repeated pattern or your user name.";

/**
 * Current, new and repeated new password. Errors show by their field (rules on the new
 * password) or above the form (wrong current password, limits). On success the browser
 * loads where the user was going as a new document, with the new session.
 */
export function ChangePasswordForm({ next, username, temporary }: { next: string; username: string; temporary: boolean }) {
  const [state, formAction, pending] = useActionState(async (_prev: State, form: FormData): Promise<State> => {
    const result = await changePassword(null, form);
    if (result.ok) {
      window.location.assign(result.data.next);
      return { error: null, fieldErrors: {}, done: true };
    }
    const fieldErrors = result.fieldErrors ?? {};
    return { error: Object.keys(fieldErrors).length ? null : result.error.message, fieldErrors, done: false };
  }, INITIAL);
  const busy = pending || state.done;

  return (
    <form action={formAction} aria-label="Change password" className="space-y-3" noValidate>
      <input type="hidden" name="next" value={next} />
      {/* For password managers: which account this new password belongs to. */}
      <input type="text" name="username" value={username} autoComplete="username" readOnly hidden />
      {state.error ? (
        <p role="alert" id="change-password-error" className="rounded border border-bad/50 bg-bad/10 px-3 py-2 text-sm">
          {state.error}
        </p>
      ) : null}
      <PasswordField
        label="Current password"
        name="currentPassword"
        autoComplete="current-password"
        error={state.fieldErrors.currentPassword}
        hint={temporary ? "The temporary password you just signed in with." : undefined}
      />
      <PasswordField label="New password" name="newPassword" autoComplete="new-password" error={state.fieldErrors.newPassword} hint={HINT} />
      <PasswordField label="New password again" name="confirmPassword" autoComplete="new-password" error={state.fieldErrors.confirmPassword} />
      <button type="submit" className="btn btn-primary w-full justify-center" disabled={busy}>
        {busy ? "Saving…" : "Set new password"}
      </button>
    </form>
  );
}

function PasswordField(props: { label: string; name: string; autoComplete: string; error?: string; hint?: string }) {
  return <AuthField form="change-password" type="password" className="font-mono" {...props} />;
}
