import type { ReactNode } from "react";

export type Tone = "ok" | "warn" | "bad" | "idle" | "neutral" | "info";

const TONES: Record<Tone, string> = {
  ok: "border-ok/40 bg-ok/15 text-ok",
  warn: "border-warn/50 bg-warn/15 text-warn",
  bad: "border-bad/50 bg-bad/15 text-bad",
  idle: "border-idle/40 bg-idle/15 text-idle",
  neutral: "border-border bg-surface-2 text-fg",
  info: "border-accent/40 bg-accent/10 text-accent",
};

export function Badge({ tone = "neutral", children, title }: { tone?: Tone; children: ReactNode; title?: string }) {
  return (
    <span title={title} className={`inline-flex items-center gap-1 whitespace-nowrap rounded border px-1.5 py-px text-xs font-semibold ${TONES[tone]}`}>
      {children}
    </span>
  );
}
