/**
 * AWS returns a policy document as an escaped JSON string. The console shows it
 * pretty-printed, and a one-line summary for the collapsed view.
 */
export interface PolicyView {
  pretty: string;
  /** False when the stored text is not JSON (shown as is). */
  valid: boolean;
  summary: string;
}

interface Statement {
  Effect?: unknown;
  Action?: unknown;
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : []);

export function viewPolicyDocument(document: string): PolicyView {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return { pretty: document, valid: false, summary: "not valid JSON" };
  }
  const pretty = JSON.stringify(parsed, null, 2);
  const raw = (parsed as { Statement?: unknown } | null)?.Statement;
  const list: Statement[] = (Array.isArray(raw) ? raw : raw && typeof raw === "object" ? [raw] : []).filter(
    (x): x is Statement => typeof x === "object" && x !== null,
  );
  if (list.length === 0) return { pretty, valid: true, summary: "no statements" };

  const parts = list.map((s) => {
    const effect = typeof s.Effect === "string" ? s.Effect : "?";
    const actions = asList(s.Action);
    const shown = actions.slice(0, 3).join(", ") + (actions.length > 3 ? ` +${actions.length - 3}` : "");
    return `${effect} ${shown || "(no action)"}`;
  });
  return { pretty, valid: true, summary: `${list.length} statement${list.length === 1 ? "" : "s"}: ${parts.join("; ")}` };
}
