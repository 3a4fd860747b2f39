/** Attributes as compact name=value chips; long values are cut, the full text is in the tooltip. */
export function Attributes({ attributes, max = 4 }: { attributes: Record<string, string>; max?: number }) {
  const entries = Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <span className="text-muted">—</span>;
  const shown = entries.slice(0, max);
  const rest = entries.length - shown.length;
  return (
    <span className="flex flex-wrap gap-1">
      {shown.map(([k, v]) => (
        <span key={k} title={`${k}=${v}`} className="max-w-56 truncate rounded bg-surface-2 px-1 font-mono text-xs">
          <span className="text-muted">{k}=</span>
          {v}
        </span>
      ))}
      {rest > 0 ? (
        <span
          className="text-xs text-muted"
          title={entries
            .slice(max)
            .map(([k, v]) => `${k}=${v}`)
            .join("\n")}
        >
          +{rest} more
        </span>
      ) : null}
    </span>
  );
}

export function AttributeTable({ attributes }: { attributes: Record<string, string> }) {
  const entries = Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <p className="text-muted">No attributes.</p>;
  return (
    <table className="w-full text-left">
      <thead className="sr-only">
        <tr>
          <th>Attribute</th>
          <th>Value</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k} className="border-b border-border last:border-0">
            <td className="w-px py-1 pr-6 align-top font-mono text-[13px] whitespace-nowrap text-muted">{k}</td>
            <td className="break-all py-1 font-mono text-[13px]">{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
