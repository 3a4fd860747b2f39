import type { Change } from "@/lib/shadows/edit";
import type { DocumentChange } from "@/lib/shadows/conflict";
import { formatPath, pathKey, pathsOverlap, previewValue } from "@/lib/shadows/json";

const KIND_WORD = { add: "add", change: "change", remove: "remove" } as const;
const KIND_CLASS = { add: "text-ok", change: "text-accent", remove: "text-bad" } as const;

/**
 * A list of changes: "change policy.mode "detect" → "prevent"", "remove old". With
 * `section`, each line says whether desired or reported changed; `highlight` marks paths
 * (the operator's own edit) that a line touches too.
 */
export function ChangeList({
  changes,
  highlight = [],
  label,
}: {
  changes: ReadonlyArray<Change | DocumentChange>;
  highlight?: readonly string[][];
  label: string;
}) {
  if (changes.length === 0) return <p className="text-sm text-muted">Nothing.</p>;
  return (
    <ul aria-label={label} className="space-y-0.5 text-sm">
      {changes.map((c) => {
        const section = "section" in c ? c.section : null;
        const overlap = section !== "reported" && highlight.some((h) => pathsOverlap(h, c.path));
        return (
          <li key={`${section ?? ""}${pathKey(c.path)}`} className={`flex flex-wrap items-baseline gap-x-1.5 ${overlap ? "rounded bg-warn/15 px-1" : ""}`}>
            <span className={`w-14 shrink-0 text-xs font-semibold uppercase ${KIND_CLASS[c.kind]}`}>{KIND_WORD[c.kind]}</span>
            {section ? <span className="text-xs text-muted">{section}</span> : null}
            <code className="font-mono text-[13px] font-semibold break-all">{formatPath(c.path)}</code>
            {c.kind === "change" ? (
              <span className="font-mono text-[13px] break-all">
                <span className="text-muted">{previewValue(c.before, 60)}</span> → {previewValue(c.after, 60)}
              </span>
            ) : c.kind === "add" ? (
              <span className="font-mono text-[13px] break-all">= {previewValue(c.after, 60)}</span>
            ) : (
              <span className="font-mono text-[13px] break-all text-muted line-through">{previewValue(c.before, 60)}</span>
            )}
            {overlap ? <span className="text-xs font-semibold text-warn">you change this too</span> : null}
          </li>
        );
      })}
    </ul>
  );
}
