"use client";

import { useMemo, useState } from "react";
import { Field, fieldControl } from "@/components/ui/field";
import { formatCount, plural } from "@/lib/format/count";
import { MAX_THING_NAMES, parseNameList, type JobDraft } from "@/lib/jobs/draft";
import { fieldId, type StepProps } from "./wizard-types";

const KINDS: Array<{ value: JobDraft["targets"]["kind"]; label: string; hint: string }> = [
  { value: "groups", label: "Thing groups", hint: "Static groups (with their child groups) or dynamic groups" },
  { value: "things", label: "Things", hint: "A list of thing names" },
  { value: "query", label: "Fleet query", hint: "Saved as a dynamic group, or its matches snapshotted" },
];

/** Step 1: the job's id and what it targets. */
export function TargetsStep({ draft, update, errors, showErrors, ctx }: StepProps) {
  const err = (f: string) => (showErrors ? errors[f] : undefined);
  const t = draft.targets;
  const setTargets = (patch: Partial<JobDraft["targets"]>) => update((d) => ({ ...d, targets: { ...d.targets, ...patch } }));
  return (
    <div className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-[minmax(0,20rem)_1fr]">
        <Field id={fieldId("jobId")} label="Job id" error={err("jobId")} hint="1–64 letters, digits, “_” or “-”; unique in the account.">
          <input
            {...fieldControl(fieldId("jobId"), "jobId", err("jobId"), true)}
            className="input font-mono"
            value={draft.jobId}
            maxLength={64}
            spellCheck={false}
            autoComplete="off"
            placeholder="agent-7-4-0-canary"
            onChange={(e) => update((d) => ({ ...d, jobId: e.target.value }))}
          />
        </Field>
        <Field id={fieldId("description")} label="Description (optional)" error={err("description")}>
          <input
            {...fieldControl(fieldId("description"), "description", err("description"))}
            className="input"
            value={draft.description}
            maxLength={2028}
            placeholder="Agent 7.4.0 to the canary ring"
            onChange={(e) => update((d) => ({ ...d, description: e.target.value }))}
          />
        </Field>
      </div>

      <fieldset className="space-y-2">
        <legend className="text-xs font-semibold text-muted">Target</legend>
        <div role="radiogroup" aria-label="Target kind" className="flex flex-wrap gap-2">
          {KINDS.map((k) => (
            <label
              key={k.value}
              className={`flex cursor-pointer flex-col rounded border px-3 py-2 text-sm ${t.kind === k.value ? "border-accent bg-accent/10" : "border-border bg-surface-2"}`}
            >
              <span className="flex items-center gap-2 font-medium">
                <input type="radio" name="target-kind" value={k.value} checked={t.kind === k.value} onChange={() => setTargets({ kind: k.value })} />
                {k.label}
              </span>
              <span className="text-xs text-muted">{k.hint}</span>
            </label>
          ))}
        </div>
      </fieldset>

      {t.kind === "groups" ? <GroupPicker {...{ draft, update, errors, showErrors, ctx }} /> : null}
      {t.kind === "things" ? <ThingList names={t.thingNames} error={err("targets.thingNames")} onChange={(thingNames) => setTargets({ thingNames })} /> : null}
      {t.kind === "query" ? <QueryTargets {...{ draft, update, errors, showErrors, ctx }} /> : null}

      <fieldset className="space-y-1">
        <legend className="text-xs font-semibold text-muted">Things that join the targets later</legend>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            name="target-selection"
            checked={draft.targetSelection === "SNAPSHOT"}
            onChange={() => update((d) => ({ ...d, targetSelection: "SNAPSHOT" }))}
          />
          Snapshot: only the things targeted when the job is created
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            name="target-selection"
            checked={draft.targetSelection === "CONTINUOUS"}
            onChange={() => update((d) => ({ ...d, targetSelection: "CONTINUOUS" }))}
          />
          Continuous: a thing added to a target group later gets the job too (one that leaves is removed)
        </label>
      </fieldset>
    </div>
  );
}

function ThingList({ names, error, onChange }: { names: string[]; error?: string; onChange: (names: string[]) => void }) {
  // The raw text is the operator's; the names are parsed from it (separators typed are kept).
  const [text, setText] = useState(() => names.join("\n"));
  const id = fieldId("targets.thingNames");
  // The list's own limits, said as it is typed (the draft keeps at most these, so it always reloads).
  const typed = useMemo(() => parseNameList(text), [text]);
  const tooLong = typed.find((n) => n.length > 128);
  const live =
    typed.length > MAX_THING_NAMES
      ? `${formatCount(typed.length)} names: a job names at most ${formatCount(MAX_THING_NAMES)} things one by one (only the first ${formatCount(MAX_THING_NAMES)} are kept). Target a group instead.`
      : tooLong !== undefined
        ? `“${tooLong.slice(0, 40)}…” is ${formatCount(tooLong.length)} characters: a thing name is at most 128.`
        : undefined;
  return (
    <Field
      id={id}
      label="Thing names"
      error={live ?? error}
      hint={`One per line, or separated by commas or spaces. ${plural(names.length, "thing")}; above 100 they are put in a thing group for the job (admins).`}
    >
      <textarea
        {...fieldControl(id, "thingNames", live ?? error, true)}
        className="input h-32 py-1 font-mono"
        value={text}
        spellCheck={false}
        onChange={(e) => {
          setText(e.target.value);
          onChange(
            parseNameList(e.target.value)
              .slice(0, MAX_THING_NAMES)
              .map((n) => n.slice(0, 256)),
          );
        }}
      />
    </Field>
  );
}

function GroupPicker({ draft, update, errors, showErrors, ctx }: StepProps) {
  const [filter, setFilter] = useState("");
  const selected = draft.targets.groupNames;
  const err = showErrors ? errors["targets.groupNames"] : undefined;
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return ctx.groups.filter((g) => !f || g.path.toLowerCase().includes(f)).slice(0, 200);
  }, [ctx.groups, filter]);
  const toggle = (name: string, on: boolean) =>
    update((d) => ({
      ...d,
      targets: { ...d.targets, groupNames: on ? [...new Set([...d.targets.groupNames, name])] : d.targets.groupNames.filter((n) => n !== name) },
    }));
  const id = fieldId("targets.groupNames");
  return (
    <div className="space-y-2">
      {ctx.groupsError ? (
        <p role="status" className="text-sm text-warn">
          The group list could not be read ({ctx.groupsError}). Type group names below.
        </p>
      ) : null}
      <div className="flex flex-wrap items-end gap-2">
        <Field id={`${id}-filter`} label="Find a group">
          <input
            id={`${id}-filter`}
            className="input w-72"
            type="search"
            value={filter}
            placeholder="Name or path"
            onChange={(e) => setFilter(e.target.value)}
          />
        </Field>
        <AddByName onAdd={(n) => toggle(n, true)} />
      </div>
      <div
        id={id}
        role="group"
        aria-label="Thing groups"
        aria-describedby={err ? `${id}-error` : undefined}
        className="max-h-56 overflow-auto rounded border border-border bg-surface"
      >
        {shown.length === 0 ? (
          <p className="px-3 py-2 text-sm text-muted">{ctx.groups.length === 0 ? "The account has no thing groups yet." : "No group matches."}</p>
        ) : (
          <ul>
            {shown.map((g) => (
              <li key={g.name} className="border-b border-border last:border-b-0">
                <label className="flex cursor-pointer items-center gap-2 px-3 py-1 text-sm hover:bg-surface-2">
                  <input type="checkbox" checked={selected.includes(g.name)} onChange={(e) => toggle(g.name, e.target.checked)} />
                  <span className="font-mono">{g.name}</span>
                  {g.path !== g.name ? <span className="text-xs text-muted">{g.path}</span> : null}
                </label>
              </li>
            ))}
          </ul>
        )}
      </div>
      {err ? (
        <p id={`${id}-error`} className="text-xs text-bad">
          {err}
        </p>
      ) : null}
      <p className="text-sm" aria-live="polite">
        {selected.length ? (
          <>
            Selected:{" "}
            {selected.map((n) => (
              <button key={n} type="button" className="btn mr-1 mb-1 font-mono" aria-label={`Remove ${n}`} onClick={() => toggle(n, false)}>
                {n} ×
              </button>
            ))}
          </>
        ) : (
          <span className="text-muted">No group selected.</span>
        )}
      </p>
    </div>
  );
}

function AddByName({ onAdd }: { onAdd: (name: string) => void }) {
  const [name, setName] = useState("");
  return (
    <form
      className="flex items-end gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) onAdd(name.trim());
        setName("");
      }}
    >
      <Field id="wz-group-by-name" label="Or add by name">
        <input id="wz-group-by-name" className="input w-56 font-mono" value={name} spellCheck={false} onChange={(e) => setName(e.target.value)} />
      </Field>
      <button type="submit" className="btn">
        Add
      </button>
    </form>
  );
}

function QueryTargets({ draft, update, errors, showErrors, ctx }: StepProps) {
  const t = draft.targets;
  const err = (f: string) => (showErrors ? errors[f] : undefined);
  const set = (patch: Partial<JobDraft["targets"]>) => update((d) => ({ ...d, targets: { ...d.targets, ...patch } }));
  return (
    <div className="space-y-3">
      <Field
        id={fieldId("targets.query")}
        label="Fleet query"
        error={err("targets.query")}
        hint="The fleet-index query syntax of Search, e.g. thingTypeName:gateway AND attributes.ring:canary."
      >
        <textarea
          {...fieldControl(fieldId("targets.query"), "query", err("targets.query"), true)}
          className="input h-20 py-1 font-mono"
          value={t.query}
          maxLength={4096}
          spellCheck={false}
          onChange={(e) => set({ query: e.target.value })}
        />
      </Field>
      <fieldset className="space-y-1" aria-describedby={err("targets.queryMode") ? `${fieldId("targets.queryMode")}-error` : undefined}>
        <legend className="text-xs font-semibold text-muted">Use the query as</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="query-mode" checked={t.queryMode === "snapshot"} onChange={() => set({ queryMode: "snapshot" })} />A snapshot: the things it
          matches now, as the job’s targets (at most 10,000)
        </label>
        <label className={`flex items-center gap-2 text-sm ${ctx.canCreateGroups ? "" : "text-muted"}`}>
          <input
            type="radio"
            name="query-mode"
            checked={t.queryMode === "dynamic-group"}
            disabled={!ctx.canCreateGroups}
            onChange={() => set({ queryMode: "dynamic-group" })}
          />
          A new dynamic group, kept current by AWS IoT {ctx.canCreateGroups ? "" : "(needs the admin role)"}
        </label>
        {err("targets.queryMode") ? (
          <p id={`${fieldId("targets.queryMode")}-error`} className="text-xs text-bad">
            {err("targets.queryMode")}
          </p>
        ) : null}
      </fieldset>
      {t.queryMode === "dynamic-group" ? (
        <Field id={fieldId("targets.newGroupName")} label="Dynamic group name" error={err("targets.newGroupName")}>
          <input
            {...fieldControl(fieldId("targets.newGroupName"), "newGroupName", err("targets.newGroupName"))}
            className="input w-72 font-mono"
            value={t.newGroupName}
            maxLength={128}
            spellCheck={false}
            onChange={(e) => set({ newGroupName: e.target.value })}
          />
        </Field>
      ) : null}
    </div>
  );
}
