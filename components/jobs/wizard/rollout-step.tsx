"use client";

import { useMemo, useState } from "react";
import { formatCount } from "@/lib/format/count";
import { END_BEHAVIORS, FAILURE_TYPES, RETRYABLE_FAILURE_TYPES, type JobDraft } from "@/lib/jobs/draft";
import { formatEtaMinutes } from "@/lib/jobs/eta";
import { rampSchedule, SERVICE_MAX_PER_MINUTE } from "@/lib/jobs/rollout";
import { NumberInput } from "./number-input";
import { RampChart } from "./ramp-chart";
import { fieldId, type StepProps } from "./wizard-types";

type Rate = JobDraft["rate"];

function Labelled({ id, label, hint, children }: { id: string; label: string; hint?: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-0.5">
      <label htmlFor={id} className="text-xs font-semibold text-muted">
        {label}
      </label>
      {children}
      {hint ? <span className="max-w-64 text-xs text-muted">{hint}</span> : null}
    </div>
  );
}

/** Step 3: how fast, when to stop, timeouts, retries and the schedule. `targetCount`: the blast radius's count, for the chart and the ETA. */
export function RolloutStep({ draft, update, errors, showErrors, targetCount: counted }: StepProps & { targetCount: number | null }) {
  // When the targets cannot be counted (yet), the operator may chart the ramp for a size of their own.
  const [assumed, setAssumed] = useState<number | null>(null);
  const targetCount = counted ?? (assumed !== null && Number.isInteger(assumed) && assumed > 0 ? assumed : null);
  const err = (f: string) => (showErrors ? errors[f] : undefined);
  const r = draft.rate;
  const setRate = (rate: Rate) => update((d) => ({ ...d, rate }));
  const rateValid = !Object.keys(errors).some((k) => k.startsWith("rate."));
  const steps = useMemo(() => (rateValid && targetCount ? rampSchedule(r, targetCount) : []), [r, targetCount, rateValid]);
  const eta = steps.length ? steps[steps.length - 1]!.endMinute : null;

  return (
    <div className="space-y-5">
      <section aria-labelledby="wz-rate-h" className="space-y-2">
        <h3 id="wz-rate-h" className="text-sm font-semibold">
          Rollout rate
        </h3>
        <div role="radiogroup" aria-label="Rollout rate" className="flex flex-wrap gap-3 text-sm">
          {(
            [
              ["fixed", "Fixed rate"],
              ["exponential", "Exponential ramp"],
              ["unlimited", "No limit"],
            ] as const
          ).map(([kind, label]) => (
            <label key={kind} className="flex items-center gap-1.5">
              <input
                type="radio"
                name="rate-kind"
                checked={r.kind === kind}
                onChange={() =>
                  update((d) => {
                    // The values of the kind left are kept in the draft, and those of the kind chosen come back.
                    const kept = { ...d.rateKept, ...(d.rate.kind === "unlimited" ? {} : { [d.rate.kind]: d.rate }) };
                    const rate: Rate =
                      kind === "fixed"
                        ? (kept.fixed ?? { kind, maximumPerMinute: 100 })
                        : kind === "exponential"
                          ? (kept.exponential ?? { kind, baseRatePerMinute: 10, incrementFactor: 2, criterion: "notified", every: 50 })
                          : { kind };
                    return { ...d, rate, rateKept: kept };
                  })
                }
              />
              {label}
            </label>
          ))}
        </div>
        {r.kind === "fixed" ? (
          <Labelled id={fieldId("rate.maximumPerMinute")} label="Things notified a minute">
            <NumberInput
              id={fieldId("rate.maximumPerMinute")}
              value={r.maximumPerMinute}
              min={1}
              error={err("rate.maximumPerMinute")}
              onChange={(v) => setRate({ ...r, maximumPerMinute: v ?? 0 })}
            />
          </Labelled>
        ) : null}
        {r.kind === "exponential" ? (
          <div className="flex flex-wrap items-start gap-3">
            <Labelled id={fieldId("rate.baseRatePerMinute")} label="Start at (a minute)">
              <NumberInput
                id={fieldId("rate.baseRatePerMinute")}
                value={r.baseRatePerMinute}
                min={1}
                max={1000}
                error={err("rate.baseRatePerMinute")}
                onChange={(v) => setRate({ ...r, baseRatePerMinute: v ?? 0 })}
              />
            </Labelled>
            <Labelled id={fieldId("rate.incrementFactor")} label="Multiply by">
              <NumberInput
                id={fieldId("rate.incrementFactor")}
                value={r.incrementFactor}
                min={1.1}
                max={5}
                step={0.1}
                error={err("rate.incrementFactor")}
                onChange={(v) => setRate({ ...r, incrementFactor: v ?? 0 })}
              />
            </Labelled>
            <Labelled id={fieldId("rate.every")} label="Every">
              <NumberInput id={fieldId("rate.every")} value={r.every} min={1} error={err("rate.every")} onChange={(v) => setRate({ ...r, every: v ?? 0 })} />
            </Labelled>
            <Labelled id="wz-rate-criterion" label="Things that were">
              <select
                id="wz-rate-criterion"
                className="input"
                value={r.criterion}
                onChange={(e) => setRate({ ...r, criterion: e.target.value as "notified" | "succeeded" })}
              >
                <option value="notified">notified</option>
                <option value="succeeded">succeeded</option>
              </select>
            </Labelled>
            <Labelled id={fieldId("rate.maximumPerMinute")} label="At most (a minute, optional)">
              <NumberInput
                id={fieldId("rate.maximumPerMinute")}
                value={r.maximumPerMinute ?? null}
                nullable
                min={1}
                error={err("rate.maximumPerMinute")}
                onChange={(v) => setRate(v === null ? { ...r, maximumPerMinute: undefined } : { ...r, maximumPerMinute: v })}
              />
            </Labelled>
          </div>
        ) : null}
        {r.kind === "unlimited" ? (
          <p className="text-sm text-muted">AWS IoT notifies as fast as it can (at most {formatCount(SERVICE_MAX_PER_MINUTE)} a minute).</p>
        ) : null}
        <div className="rounded border border-border bg-surface-2 p-2">
          <p className="text-sm" data-testid="rollout-eta">
            {targetCount === null ? (
              "The chart and the ETA need the number of things targeted: it is being counted (see the blast radius), or give a size below."
            ) : eta === null ? (
              "Fix the rate to see the ramp."
            ) : (
              <>
                {targetCount === 1 ? "The thing is" : `All ${formatCount(targetCount)} things are`} notified in <strong>{formatEtaMinutes(eta)}</strong>
                {r.kind === "exponential" && r.criterion === "succeeded" ? " at best (the ramp waits for successes)" : ""}, in {steps.length} step
                {steps.length === 1 ? "" : "s"}. Scheduling windows and the devices’ own work are not included.
              </>
            )}
          </p>
          {counted === null ? (
            <div className="mt-2">
              <Labelled id="wz-assumed-count" label="Chart for this many things">
                <NumberInput id="wz-assumed-count" value={assumed} nullable min={1} onChange={setAssumed} />
              </Labelled>
            </div>
          ) : null}
          {steps.length ? <RampChart steps={steps} /> : null}
        </div>
      </section>

      <AbortSection {...{ draft, update, err }} />

      <section aria-labelledby="wz-timeout-h" className="space-y-2">
        <h3 id="wz-timeout-h" className="text-sm font-semibold">
          Timeout and retries
        </h3>
        <Labelled
          id={fieldId("timeoutMinutes")}
          label="In-progress timeout (minutes)"
          hint="Empty: none. An execution in progress longer than this is TIMED_OUT."
        >
          <NumberInput
            id={fieldId("timeoutMinutes")}
            value={draft.timeoutMinutes}
            nullable
            min={1}
            max={10080}
            error={err("timeoutMinutes")}
            onChange={(v) => update((d) => ({ ...d, timeoutMinutes: v }))}
          />
        </Labelled>
        <ListEditor
          label="Retry criteria"
          items={draft.retry}
          max={2}
          error={err("retry")}
          onAdd={() =>
            update((d) => ({
              ...d,
              retry: [...d.retry, { failureType: d.retry.some((x) => x.failureType === "FAILED") ? "TIMED_OUT" : "FAILED", numberOfRetries: 1 }],
            }))
          }
          onRemove={(i) => update((d) => ({ ...d, retry: d.retry.filter((_, j) => j !== i) }))}
          render={(item, i) => (
            <>
              <Labelled id={fieldId(`retry.${i}.failureType`)} label="Retry executions that">
                <select
                  id={fieldId(`retry.${i}.failureType`)}
                  className="input"
                  value={item.failureType}
                  aria-invalid={err(`retry.${i}.failureType`) ? true : undefined}
                  onChange={(e) =>
                    update((d) => ({
                      ...d,
                      retry: d.retry.map((x, j) => (j === i ? { ...x, failureType: e.target.value as (typeof RETRYABLE_FAILURE_TYPES)[number] } : x)),
                    }))
                  }
                >
                  {RETRYABLE_FAILURE_TYPES.map((f) => (
                    <option key={f} value={f}>
                      {f === "ALL" ? "failed or timed out" : f === "FAILED" ? "failed" : "timed out"}
                    </option>
                  ))}
                </select>
                {err(`retry.${i}.failureType`) ? <span className="text-xs text-bad">{err(`retry.${i}.failureType`)}</span> : null}
              </Labelled>
              <Labelled id={fieldId(`retry.${i}.numberOfRetries`)} label="Times">
                <NumberInput
                  id={fieldId(`retry.${i}.numberOfRetries`)}
                  value={item.numberOfRetries}
                  min={0}
                  max={10}
                  error={err(`retry.${i}.numberOfRetries`)}
                  onChange={(v) => update((d) => ({ ...d, retry: d.retry.map((x, j) => (j === i ? { ...x, numberOfRetries: v ?? 0 } : x)) }))}
                />
              </Labelled>
            </>
          )}
        />
      </section>

      <ScheduleSection {...{ draft, update, err }} />
    </div>
  );
}

type Err = (f: string) => string | undefined;

function ListEditor<T>({
  label,
  items,
  max,
  error,
  onAdd,
  onRemove,
  render,
}: {
  label: string;
  items: T[];
  max: number;
  error?: string;
  onAdd: () => void;
  onRemove: (i: number) => void;
  render: (item: T, i: number) => React.ReactNode;
}) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-xs font-semibold text-muted">{label}</legend>
      {items.length === 0 ? <p className="text-sm text-muted">None.</p> : null}
      {items.map((item, i) => (
        <div key={i} className="flex flex-wrap items-end gap-3 rounded border border-border p-2">
          {render(item, i)}
          <button type="button" className="btn" aria-label={`Remove ${label.toLowerCase()} ${i + 1}`} onClick={() => onRemove(i)}>
            Remove
          </button>
        </div>
      ))}
      {error ? <p className="text-xs text-bad">{error}</p> : null}
      <button type="button" className="btn" disabled={items.length >= max} onClick={onAdd}>
        Add
      </button>
    </fieldset>
  );
}

function AbortSection({ draft, update, err }: { draft: JobDraft; update: StepProps["update"]; err: Err }) {
  const set = (i: number, patch: Partial<JobDraft["abort"][number]>) =>
    update((d) => ({ ...d, abort: d.abort.map((x, j) => (j === i ? { ...x, ...patch } : x)) }));
  return (
    <section aria-labelledby="wz-abort-h" className="space-y-2">
      <h3 id="wz-abort-h" className="text-sm font-semibold">
        Abort criteria
      </h3>
      <p className="text-sm text-muted">The job is canceled when the share of executions ending this way reaches the threshold, once enough things have run.</p>
      <ListEditor
        label="Abort criteria"
        items={draft.abort}
        max={4}
        onAdd={() =>
          update((d) => ({
            ...d,
            abort: [
              ...d.abort,
              {
                failureType: FAILURE_TYPES.find((f) => !d.abort.some((a) => a.failureType === f)) ?? "ALL",
                thresholdPercentage: 10,
                minNumberOfExecutedThings: 10,
              },
            ],
          }))
        }
        onRemove={(i) => update((d) => ({ ...d, abort: d.abort.filter((_, j) => j !== i) }))}
        render={(a, i) => (
          <>
            <Labelled id={fieldId(`abort.${i}.failureType`)} label="When executions are">
              <select
                id={fieldId(`abort.${i}.failureType`)}
                className="input"
                value={a.failureType}
                aria-invalid={err(`abort.${i}.failureType`) ? true : undefined}
                onChange={(e) => set(i, { failureType: e.target.value as (typeof FAILURE_TYPES)[number] })}
              >
                {FAILURE_TYPES.map((f) => (
                  <option key={f} value={f}>
                    {f === "ALL" ? "any failure" : f}
                  </option>
                ))}
              </select>
              {err(`abort.${i}.failureType`) ? <span className="text-xs text-bad">{err(`abort.${i}.failureType`)}</span> : null}
            </Labelled>
            <Labelled id={fieldId(`abort.${i}.thresholdPercentage`)} label="Threshold (%)">
              <NumberInput
                id={fieldId(`abort.${i}.thresholdPercentage`)}
                value={a.thresholdPercentage}
                min={0.01}
                max={100}
                step="any"
                error={err(`abort.${i}.thresholdPercentage`)}
                onChange={(v) => set(i, { thresholdPercentage: v ?? 0 })}
              />
            </Labelled>
            <Labelled id={fieldId(`abort.${i}.minNumberOfExecutedThings`)} label="After at least (things)">
              <NumberInput
                id={fieldId(`abort.${i}.minNumberOfExecutedThings`)}
                value={a.minNumberOfExecutedThings}
                min={1}
                error={err(`abort.${i}.minNumberOfExecutedThings`)}
                onChange={(v) => set(i, { minNumberOfExecutedThings: v ?? 0 })}
              />
            </Labelled>
          </>
        )}
      />
    </section>
  );
}

function ScheduleSection({ draft, update, err }: { draft: JobDraft; update: StepProps["update"]; err: Err }) {
  const s = draft.schedule;
  const set = (patch: Partial<JobDraft["schedule"]>) => update((d) => ({ ...d, schedule: { ...d.schedule, ...patch } }));
  const text = (field: "startTime" | "endTime", label: string) => {
    const id = fieldId(`schedule.${field}`);
    const e = err(`schedule.${field}`);
    return (
      <Labelled id={id} label={label}>
        <input
          id={id}
          className="input w-48 font-mono"
          value={s[field]}
          placeholder="YYYY-MM-DDTHH:MM"
          aria-invalid={e ? true : undefined}
          aria-describedby={e ? `${id}-error` : undefined}
          onChange={(ev) => set({ [field]: ev.target.value })}
        />
        {e ? (
          <span id={`${id}-error`} className="max-w-64 text-xs text-bad">
            {e}
          </span>
        ) : null}
      </Labelled>
    );
  };
  return (
    <section aria-labelledby="wz-schedule-h" className="space-y-2">
      <h3 id="wz-schedule-h" className="text-sm font-semibold">
        Schedule
      </h3>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={s.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
        Schedule the rollout (start and end times in UTC, maintenance windows)
      </label>
      {s.enabled ? (
        <div className="space-y-3">
          <div className="flex flex-wrap items-start gap-3">
            {text("startTime", "Start (UTC, optional)")}
            {text("endTime", "End (UTC, optional)")}
            <Labelled id="wz-end-behavior" label="At the end">
              <select
                id="wz-end-behavior"
                className="input"
                value={s.endBehavior ?? ""}
                onChange={(e) => set({ endBehavior: (e.target.value || null) as JobDraft["schedule"]["endBehavior"] })}
              >
                <option value="">(AWS’s default: stop the rollout)</option>
                {END_BEHAVIORS.map((b) => (
                  <option key={b} value={b}>
                    {b === "STOP_ROLLOUT" ? "stop the rollout" : b === "CANCEL" ? "cancel the job" : "force-cancel the job"}
                  </option>
                ))}
              </select>
            </Labelled>
          </div>
          <ListEditor
            label="Maintenance windows"
            items={s.windows}
            max={10}
            onAdd={() => set({ windows: [...s.windows, { cron: "cron(0 2 ? * SUN *)", durationInMinutes: 120 }] })}
            onRemove={(i) => set({ windows: s.windows.filter((_, j) => j !== i) })}
            render={(w, i) => {
              const id = fieldId(`schedule.windows.${i}.cron`);
              const e = err(`schedule.windows.${i}.cron`);
              return (
                <>
                  <Labelled id={id} label="Starts (AWS cron, UTC)">
                    <input
                      id={id}
                      className="input w-56 font-mono"
                      value={w.cron}
                      spellCheck={false}
                      aria-invalid={e ? true : undefined}
                      aria-describedby={e ? `${id}-error` : undefined}
                      onChange={(ev) => set({ windows: s.windows.map((x, j) => (j === i ? { ...x, cron: ev.target.value } : x)) })}
                    />
                    {e ? (
                      <span id={`${id}-error`} className="max-w-72 text-xs text-bad">
                        {e}
                      </span>
                    ) : null}
                  </Labelled>
                  <Labelled id={fieldId(`schedule.windows.${i}.durationInMinutes`)} label="Lasts (minutes)">
                    <NumberInput
                      id={fieldId(`schedule.windows.${i}.durationInMinutes`)}
                      value={w.durationInMinutes}
                      min={1}
                      max={1430}
                      error={err(`schedule.windows.${i}.durationInMinutes`)}
                      onChange={(v) => set({ windows: s.windows.map((x, j) => (j === i ? { ...x, durationInMinutes: v ?? 0 } : x)) })}
                    />
                  </Labelled>
                </>
              );
            }}
          />
        </div>
      ) : null}
    </section>
  );
}
