import { DEFAULT_COLUMNS, type ThingSearchRow } from "@/lib/fleet-search/contract";
import { exportStream } from "@/lib/fleet-search/export-stream";
import { searchExportRoute } from "@/lib/fleet-search/routes";
import { countMatches, searchAllPages } from "@/lib/fleet-search/service";
import { formatUtcDate } from "@/lib/format/time";
import { apiRoute } from "@/lib/http/api-route";

const CONTENT_TYPES = { csv: "text/csv; charset=utf-8", jsonl: "application/x-ndjson; charset=utf-8" } as const;

/**
 * GET /api/search/export?q&format=csv|jsonl&columns=a,b → every match of the query, all
 * pages, streamed as CSV (a header of the requested columns, default DEFAULT_COLUMNS) or
 * JSON Lines (whole rows). Pages are fetched as the client reads, through the fleet-index
 * rate limiter, waiting out throttling; a client that goes away stops the paging.
 *
 * The first page is fetched before answering, so an invalid query, an unreachable backend
 * or throttling still gets its proper status instead of a broken 200. `X-Match-Count`
 * carries the match count when known, for the browser's progress bar.
 */
export const GET = apiRoute(searchExportRoute, async ({ query, req }) => {
  const { q, format } = query;
  const columns = query.columns.length ? query.columns : [...DEFAULT_COLUMNS];

  const abort = new AbortController();
  req.signal?.addEventListener("abort", () => abort.abort(), { once: true });
  const pages = searchAllPages(q, { signal: abort.signal });

  let first: IteratorResult<ThingSearchRow[]>;
  let count: number | null;
  try {
    // The count is usually a cache hit: the workbench has just shown it.
    const [firstPage, counted] = await Promise.all([
      pages.next(),
      countMatches(q).then(
        (c) => c.count,
        () => null,
      ),
    ]);
    first = firstPage;
    count = counted;
  } catch (err) {
    // Throttling becomes 429 + Retry-After in apiRoute.
    abort.abort();
    throw err;
  }

  async function* all(): AsyncGenerator<ThingSearchRow[]> {
    if (first.done) return;
    yield first.value;
    yield* pages;
  }

  const body = exportStream(all(), {
    format,
    columns,
    onEnd: ({ result, rows, error }) => {
      abort.abort();
      if (result === "failed") console.error(`[api] search export failed after ${rows} rows`, error);
    },
  });

  const headers: Record<string, string> = {
    "Content-Type": CONTENT_TYPES[format],
    "Content-Disposition": `attachment; filename="fleet-search-${formatUtcDate(Date.now())}.${format}"`,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  };
  if (count !== null) headers["X-Match-Count"] = String(count);
  return new Response(body, { headers });
});
