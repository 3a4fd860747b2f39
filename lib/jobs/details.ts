/**
 * An execution's statusDetails as one line for a table cell (pure): the agents' progress
 * keys first (step, percent, then a reason), then the rest by name.
 */
const FIRST = ["step", "percent", "reason", "message", "error"];

export function detailsText(details: Record<string, string> | null | undefined): string {
  if (!details) return "";
  const keys = Object.keys(details);
  const ordered = [...FIRST.filter((k) => keys.includes(k)), ...keys.filter((k) => !FIRST.includes(k)).sort()];
  return ordered.map((k) => (k === "percent" ? `${details[k]}%` : k === "step" ? details[k] : `${k}: ${details[k]}`)).join(" · ");
}
