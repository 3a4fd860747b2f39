"use client";

import Link from "next/link";
import { useId, useState, useTransition } from "react";
import { Dialog } from "@/components/ui/dialog";
import { Field, fieldControl } from "@/components/ui/field";
import { ErrorNotice } from "@/components/ui/error-notice";
import { createDynamicGroupFromQuery } from "@/lib/actions/create-dynamic-group";
import type { AppErrorData } from "@/lib/errors";

/**
 * "Save as dynamic group" (admins): a dynamic thing group whose members are the things
 * that match the query, kept current by AWS IoT as things change. Shown only to roles
 * that may create groups; the server action checks again.
 */
export function SaveAsDynamicGroupButton({ query, disabled }: { query: string; disabled: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn" disabled={disabled} onClick={() => setOpen(true)}>
        Save as dynamic group
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Save as dynamic group">
        <DynamicGroupForm query={query} onClose={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function DynamicGroupForm({ query, onClose }: { query: string; onClose: () => void }) {
  const id = useId();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<AppErrorData | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  if (created) {
    return (
      <div className="space-y-3">
        <p role="status">
          Created the dynamic group <span className="font-mono font-semibold">{created}</span>. AWS IoT builds its membership from the index, then keeps it
          current as things change.
        </p>
        <div className="flex justify-end gap-2">
          <Link className="btn btn-primary hover:no-underline" href={`/groups?group=${encodeURIComponent(created)}`}>
            Open {created} in Groups
          </Link>
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    );
  }

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    startTransition(async () => {
      const r = await createDynamicGroupFromQuery({ name, description, query });
      if (r.ok) {
        setCreated(r.data.name);
        return;
      }
      const errors = { ...(r.fieldErrors ?? {}) };
      if (r.error.reason === "name_taken") errors.name = r.error.message;
      setFieldErrors(errors);
      setError(errors.name || errors.description ? null : r.error);
    });
  };

  const field = (key: "name" | "description") => fieldControl(`${id}-${key}`, key, fieldErrors[key], key === "name");

  return (
    <form onSubmit={submit} noValidate aria-label="Save as dynamic group" className="space-y-3">
      <Field id={`${id}-name`} label="Group name" error={fieldErrors.name} hint="Letters, digits, “:”, “_” or “-”.">
        <input
          {...field("name")}
          className="input font-mono"
          value={name}
          maxLength={128}
          data-autofocus
          autoComplete="off"
          spellCheck={false}
          placeholder="e.g. acme-offline-agents"
          onChange={(e) => {
            setName(e.target.value);
            setFieldErrors(({ name: _, ...rest }) => rest);
          }}
        />
      </Field>
      <Field id={`${id}-description`} label="Description (optional)" error={fieldErrors.description}>
        <textarea
          {...field("description")}
          className="input h-auto min-h-16 py-1"
          value={description}
          maxLength={2028}
          onChange={(e) => {
            setDescription(e.target.value);
            setFieldErrors(({ description: _, ...rest }) => rest);
          }}
        />
      </Field>
      <div className="rounded bg-surface-2 px-2 py-1.5">
        <p className="text-xs font-semibold text-muted">Membership query</p>
        <p className="font-mono text-[13px] break-all">{query}</p>
      </div>
      {fieldErrors.query ? <p className="text-xs text-bad">{fieldErrors.query}</p> : null}
      {error ? <ErrorNotice error={error} title="Could not create the dynamic group" /> : null}
      <div className="flex justify-end gap-2">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? "Creating…" : "Create dynamic group"}
        </button>
      </div>
    </form>
  );
}
