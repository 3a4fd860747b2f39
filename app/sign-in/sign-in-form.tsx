"use client";

import { useActionState } from "react";
import { signIn } from "@/lib/actions/sign-in";
import { AuthField } from "@/components/auth/auth-field";

type State = { error: string | null; fieldErrors: Record<string, string>; username: string; done: boolean };
const INITIAL: State = { error: null, fieldErrors: {}, username: "", done: false };

/**
 * User name and password. On an error the message shows above the fields and the typed
 * user name stays (the password does not). On success the browser loads the page it came
 * for as a new document, so nothing from before sign-in lingers in client caches.
 */
export function SignInForm({ next }: { next: string }) {
  const [state, formAction, pending] = useActionState(async (_prev: State, form: FormData): Promise<State> => {
    const username = String(form.get("username") ?? "");
    const result = await signIn(null, form);
    if (result.ok) {
      window.location.assign(result.data.next);
      return { error: null, fieldErrors: {}, username, done: true };
    }
    const fieldErrors = result.fieldErrors ?? {};
    return { error: Object.keys(fieldErrors).length ? null : result.error.message, fieldErrors, username, done: false };
  }, INITIAL);
  const busy = pending || state.done;

  return (
    <form action={formAction} className="space-y-3" noValidate>
      <input type="hidden" name="next" value={next} />
      {state.error ? (
        <p role="alert" id="sign-in-error" className="rounded border border-bad/50 bg-bad/10 px-3 py-2 text-sm">
          {state.error}
        </p>
      ) : null}
      <AuthField
        form="sign-in"
        label="User name"
        name="username"
        type="text"
        autoComplete="username"
        defaultValue={state.username}
        error={state.fieldErrors.username}
        autoFocus
      />
      <AuthField form="sign-in" label="Password" name="password" type="password" autoComplete="current-password" error={state.fieldErrors.password} />
      <button type="submit" className="btn btn-primary w-full justify-center" disabled={busy} aria-describedby={state.error ? "sign-in-error" : undefined}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
