"use client";

import { useId, useState, useTransition } from "react";
import { resetUserPassword } from "@/lib/actions/reset-user-password";
import { setUserDisabled } from "@/lib/actions/set-user-disabled";
import { setUserRole } from "@/lib/actions/set-user-role";
import { unlockUser } from "@/lib/actions/unlock-user";
import type { ActionResult } from "@/lib/auth/guard";
import { ROLES, type Role } from "@/lib/auth/permissions";

type Props = {
  user: { username: string; role: Role; source: "local" | "oidc"; disabled: boolean; locked: boolean };
  /** The signed-in admin's own row: no demoting or disabling yourself. */
  self: boolean;
};
type Message = { tone: "ok" | "bad"; text: string } | null;

/** The controls of one user row: role, disable/enable, unlock (when failed sign-ins lock it) and password reset. */
export function UserActions({ user, self }: Props) {
  const id = useId();
  const [role, setRole] = useState<Role>(user.role);
  const [message, setMessage] = useState<Message>(null);
  const [resetOpen, setResetOpen] = useState(false);
  const [pending, startTransition] = useTransition();

  function run<T>(call: () => Promise<ActionResult<T>>, success: (data: T) => string) {
    setMessage(null);
    startTransition(async () => {
      const result = await call();
      setMessage(result.ok ? { tone: "ok", text: success(result.data) } : { tone: "bad", text: result.error.message });
    });
  }

  const sso = user.source === "oidc";
  const roleLocked = self || sso;

  return (
    <div className="flex min-w-72 flex-col gap-1.5">
      <div className="flex flex-wrap items-center gap-2">
        <select
          aria-label={`Role of ${user.username}`}
          className="input"
          value={role}
          disabled={roleLocked || pending}
          title={self ? "Another admin has to change your role." : sso ? "The identity provider sets this role at each sign-in." : undefined}
          onChange={(e) => setRole(e.target.value as Role)}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn"
          disabled={roleLocked || pending || role === user.role}
          onClick={() =>
            run(
              () => setUserRole({ username: user.username, role }),
              (d) => `${d.username} is now ${d.role}; their sessions were ended.`,
            )
          }
        >
          Change role
        </button>
        <button
          type="button"
          className="btn"
          disabled={pending || (self && !user.disabled)}
          onClick={() =>
            run(
              () => setUserDisabled({ username: user.username, disabled: !user.disabled }),
              (d) => (d.disabled ? `${d.username} is disabled and signed out everywhere.` : `${d.username} can sign in again.`),
            )
          }
        >
          {user.disabled ? "Enable" : "Disable"}
        </button>
        {user.locked && !sso ? (
          <button
            type="button"
            className="btn"
            disabled={pending}
            onClick={() =>
              run(
                () => unlockUser({ username: user.username }),
                (d) => `${d.username} is unlocked and can sign in again now.`,
              )
            }
          >
            Unlock
          </button>
        ) : null}
        {!sso ? (
          <button type="button" className="btn" aria-expanded={resetOpen} aria-controls={`${id}-reset`} onClick={() => setResetOpen((o) => !o)}>
            Reset password
          </button>
        ) : null}
      </div>
      {self ? <p className="text-xs text-muted">This is you: another admin has to change your role or disable your account.</p> : null}
      {sso ? <p className="text-xs text-muted">Signs in through single sign-on; the identity provider sets the role.</p> : null}
      {resetOpen && !sso ? <ResetPassword id={`${id}-reset`} username={user.username} self={self} onClose={() => setResetOpen(false)} /> : null}
      <p aria-live="polite" className={`text-xs empty:hidden ${message?.tone === "bad" ? "text-bad" : "text-ok"}`}>
        {message?.text}
      </p>
    </div>
  );
}

/** Generate a password (shown here once) or set one; either way the user's sessions end. */
function ResetPassword({ id, username, self, onClose }: { id: string; username: string; self: boolean; onClose: () => void }) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ generated: string | null; temporary: boolean } | null>(null);
  const [copied, setCopied] = useState(false);
  const [pending, startTransition] = useTransition();

  const submit = (input: { mode: "generate" } | { mode: "set"; password: string }) => {
    setError(null);
    startTransition(async () => {
      const result = await resetUserPassword({ ...input, username });
      if (result.ok) {
        setPassword("");
        setDone({ generated: result.data.generatedPassword, temporary: result.data.temporary });
      } else {
        setError(result.fieldErrors?.password ?? result.error.message);
      }
    });
  };

  if (done) {
    return (
      <div id={id} role="status" className="rounded border border-ok/40 bg-ok/10 px-2 py-1.5 text-sm">
        {done.generated ? (
          <>
            <p>
              New password for <span className="font-mono font-semibold">{username}</span>, shown only this once:
            </p>
            <p className="mt-1 flex items-center gap-2">
              <code data-testid="generated-password" className="rounded bg-surface px-1.5 py-0.5 font-mono select-all">
                {done.generated}
              </code>
              <button
                type="button"
                className="btn"
                onClick={() =>
                  void navigator.clipboard?.writeText(done.generated!).then(
                    () => setCopied(true),
                    () => undefined,
                  )
                }
              >
                {copied ? "Copied" : "Copy"}
              </button>
            </p>
          </>
        ) : (
          <p>
            The password of <span className="font-mono font-semibold">{username}</span> was changed.
          </p>
        )}
        <p className="mt-1 text-xs text-muted">
          {self
            ? "Your sessions were ended: sign in again with it."
            : `Their sessions were ended and sign-in is unlocked.${done.temporary ? " It is temporary: they choose their own at the next sign-in." : ""}`}
        </p>
        <button type="button" className="btn mt-1" onClick={onClose}>
          Done
        </button>
      </div>
    );
  }

  return (
    <form
      id={id}
      noValidate
      aria-label={`Reset the password of ${username}`}
      className="flex flex-wrap items-start gap-2 rounded border border-border bg-surface-2 px-2 py-1.5"
      onSubmit={(e) => {
        e.preventDefault();
        submit({ mode: "set", password });
      }}
    >
      <button type="button" className="btn" disabled={pending} onClick={() => submit({ mode: "generate" })}>
        Generate a password
      </button>
      <span className="self-center text-xs text-muted">or</span>
      <div className="flex flex-col gap-0.5">
        <input
          type="password"
          aria-label={`New password for ${username}`}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          className={`input w-48 font-mono ${error ? "border-bad" : ""}`}
          placeholder="12+ characters, not common"
          autoComplete="new-password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            setError(null);
          }}
        />
        {error ? (
          <span id={`${id}-error`} className="max-w-56 text-xs text-bad">
            {error}
          </span>
        ) : null}
      </div>
      <button type="submit" className="btn" disabled={pending}>
        Set password
      </button>
      <button type="button" className="btn" onClick={onClose}>
        Cancel
      </button>
    </form>
  );
}
