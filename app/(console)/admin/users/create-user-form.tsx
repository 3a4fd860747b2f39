"use client";

import { useId, useState, useTransition } from "react";
import { Field, fieldControl } from "@/components/ui/field";
import { createUser } from "@/lib/actions/create-user";
import { ROLES, type Role } from "@/lib/auth/permissions";
import type { AppErrorData } from "@/lib/errors";

type Fields = { username: string; displayName: string; role: Role; password: string };
const EMPTY: Fields = { username: "", displayName: "", role: "viewer", password: "" };

/**
 * Adds a local user. Inputs are controlled and only cleared after a success, so a
 * rejected attempt keeps everything typed; the server's reasons show next to each field.
 * (Validation is the server's: the same rules apply to any caller of the action.)
 */
export function CreateUserForm() {
  const id = useId();
  const [fields, setFields] = useState<Fields>(EMPTY);
  const [showPassword, setShowPassword] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<AppErrorData | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const set = <K extends keyof Fields>(k: K, v: Fields[K]) => {
    setFields((f) => ({ ...f, [k]: v }));
    setFieldErrors(({ [k]: _, ...rest }) => rest);
  };

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setCreated(null);
    startTransition(async () => {
      const result = await createUser(fields);
      if (result.ok) {
        setFields(EMPTY);
        setFieldErrors({});
        setError(null);
        setCreated(result.data.username);
        return;
      }
      // A name that is taken belongs next to the name; other errors go below the form.
      const errors = { ...(result.fieldErrors ?? {}) };
      if (result.error.code === "conflict") errors.username = result.error.message;
      setFieldErrors(errors);
      setError(Object.keys(errors).length ? null : result.error);
    });
  };

  const fid = (field: keyof Fields) => `${id}-${field}`;
  const aria = (field: keyof Fields, hint = false) => fieldControl(fid(field), field, fieldErrors[field], hint);

  return (
    <form noValidate onSubmit={submit} aria-label="Add a local user" className="flex flex-wrap items-start gap-x-3 gap-y-2">
      <Field compact id={fid("username")} label="User name" error={fieldErrors.username}>
        <input
          {...aria("username")}
          className={`input w-44 font-mono ${fieldErrors.username ? "border-bad" : ""}`}
          value={fields.username}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => set("username", e.target.value)}
        />
      </Field>
      <Field compact id={fid("displayName")} label="Display name (optional)" error={fieldErrors.displayName}>
        <input
          {...aria("displayName")}
          className={`input w-44 ${fieldErrors.displayName ? "border-bad" : ""}`}
          value={fields.displayName}
          autoComplete="off"
          onChange={(e) => set("displayName", e.target.value)}
        />
      </Field>
      <Field compact id={fid("role")} label="Role" error={fieldErrors.role}>
        <select {...aria("role")} className="input" value={fields.role} onChange={(e) => set("role", e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </Field>
      <Field compact id={fid("password")} label="Password" error={fieldErrors.password} hint="12+ characters, not a common password">
        <input
          {...aria("password", true)}
          type={showPassword ? "text" : "password"}
          className={`input w-56 font-mono ${fieldErrors.password ? "border-bad" : ""}`}
          value={fields.password}
          autoComplete="new-password"
          onChange={(e) => set("password", e.target.value)}
        />
        <label className="flex items-center gap-1 text-xs text-muted">
          <input type="checkbox" checked={showPassword} onChange={(e) => setShowPassword(e.target.checked)} />
          Show password
        </label>
      </Field>
      <div className="pt-[18px]">
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? "Adding…" : "Add user"}
        </button>
      </div>
      <div aria-live="polite" className="basis-full text-sm empty:hidden">
        {created ? (
          <p className="text-ok">
            Added <span className="font-mono font-semibold">{created}</span>. Give them their password over a channel you trust.
          </p>
        ) : null}
        {error ? (
          <p role="alert" className="text-bad">
            {error.message}
          </p>
        ) : null}
      </div>
    </form>
  );
}
