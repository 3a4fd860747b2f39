import { Badge, type Tone } from "@/components/ui/badge";
import type { RowStatus } from "@/lib/shadows/compare";

/** Each status has a word and a symbol, never colour alone. */
export const STATUS: Record<RowStatus, { label: string; symbol: string; tone: Tone; explain: string }> = {
  pending: {
    label: "Pending",
    symbol: "◐",
    tone: "warn",
    explain: "Desired holds a value the device has not reported yet. It is in AWS's delta: the device is asked to apply it.",
  },
  type_mismatch: {
    label: "Type mismatch",
    symbol: "≠",
    tone: "bad",
    explain: 'Desired and reported hold values of different JSON types (e.g. "60" vs 60). The device may never match it on its own.',
  },
  reported_only: {
    label: "Reported only",
    symbol: "◦",
    tone: "idle",
    explain: "The device reports this key; desired state says nothing about it. Never in the delta.",
  },
  in_sync: {
    label: "In sync",
    symbol: "✓",
    tone: "ok",
    explain: "Desired and reported hold the same value.",
  },
};

export function StatusBadge({ status }: { status: RowStatus }) {
  const s = STATUS[status];
  return (
    <Badge tone={s.tone} title={s.explain}>
      <span aria-hidden="true">{s.symbol}</span>
      {s.label}
    </Badge>
  );
}
