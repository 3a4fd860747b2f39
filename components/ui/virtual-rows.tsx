import { formatCount } from "@/lib/format/count";

/** Rows above or below a virtualized table's window: their height keeps the scrollbar true. */
export function SpacerRow({ height, span }: { height: number; span: number }) {
  return (
    <tr aria-hidden="true">
      <td colSpan={span} style={{ height, padding: 0, border: 0 }} />
    </tr>
  );
}

/**
 * The last row of a table that pages as it scrolls: loading, more to come, or the end
 * with the count (`what`: the rows' plural noun, `one` its singular, `unit` what the count counts).
 */
export function EndRow(props: {
  index: number;
  height: number;
  span: number;
  count: number;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  what: string;
  unit: [one: string, many: string];
}) {
  const { index, height, span, count, hasNextPage, isFetchingNextPage, what, unit } = props;
  return (
    <tr data-end="true" aria-rowindex={index} style={{ height }}>
      <td colSpan={span} className="text-center text-sm text-muted">
        {hasNextPage ? (
          isFetchingNextPage ? (
            "Loading more…"
          ) : (
            `More ${what}: scroll or press “Load more”`
          )
        ) : (
          <span className="font-semibold">
            End of {what} · {formatCount(count)} {count === 1 ? unit[0] : unit[1]}
          </span>
        )}
      </td>
    </tr>
  );
}
