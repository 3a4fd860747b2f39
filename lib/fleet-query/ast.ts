/**
 * The fleet-indexing query language (AWS IoT fleet indexing, "Lucene-like"): the syntax
 * tree the parser produces. One module shared by the console (validation, highlighting,
 * autocomplete) and the emulator (running queries). No server or browser dependencies.
 *
 * Offsets are UTF-16 code-unit positions into the query string, `end` exclusive.
 */
export interface Span {
  start: number;
  end: number;
}

/**
 * A field path exactly as written (case-sensitive), e.g. `thingName`,
 * `attributes.customer`, `shadow.reported.agent.version`, `shadow.name.config.hasDelta`,
 * `connectivity.timestamp`. `null` on a term means "any field" (a bare word).
 */
export type FieldName = string;

/** A value to compare: the text as the user meant it (quotes and escapes removed). */
export interface Literal {
  text: string;
  /**
   * The text parsed as a JSON-style number when it is one (ranges/comparisons compare
   * numerically when both sides are numbers). Always null for quoted text: `"10"` is a string.
   */
  number: number | null;
  /** Written in double quotes (a phrase); wildcards inside quotes are literal characters. */
  quoted: boolean;
}

export interface Bound {
  value: Literal;
  inclusive: boolean;
}

export type QueryNode =
  /** `a AND b`, and juxtaposition (the default operator is AND). Two or more children. */
  | { kind: "and"; children: QueryNode[]; span: Span }
  /** `a OR b`. Two or more children. */
  | { kind: "or"; children: QueryNode[]; span: Span }
  /** `NOT a`, `-a`. */
  | { kind: "not"; child: QueryNode; span: Span }
  /** `field:value`, `field:"a phrase"`, or a bare `value` (field null). Matches case-insensitively. */
  | { kind: "term"; field: FieldName | null; value: Literal; span: Span }
  /**
   * `field:pat*tern?` with unquoted `*` / `?`. `pattern` keeps the wildcards; `leading`
   * is true when it starts with `*` or `?` (limited to one per query, 100-char queries).
   * In `pattern`, an unescaped `*` / `?` is a wildcard and a literal `*`, `?` or `\` stays
   * escaped with `\` (`my\*thing*`); every other character is literal, escapes removed.
   * `wildcardToRegExp` (values.ts) compiles it.
   */
  | { kind: "wildcard"; field: FieldName | null; pattern: string; leading: boolean; span: Span }
  /** `field:[a TO b]`, `{a TO b}`, mixed brackets, and `field<x`, `field>=x` (one side open). `*` as a bound = open. */
  | { kind: "range"; field: FieldName; lower: Bound | null; upper: Bound | null; span: Span }
  /** `field:*`: the field has a value. */
  | { kind: "exists"; field: FieldName; span: Span }
  /** A bare `*`: every thing. */
  | { kind: "all"; span: Span };

/** The nodes that match things by themselves (no children). */
export type LeafNode = Extract<QueryNode, { kind: "term" | "wildcard" | "range" | "exists" | "all" }>;

/** A syntax error, with the span to underline and a message an operator understands. */
export interface QueryError {
  message: string;
  span: Span;
}

export type ParseResult =
  | {
      ok: true;
      query: QueryNode;
      /** Number of terms counted against the per-query limit (leaf nodes other than `all`). */
      termCount: number;
      /**
       * Valid but probably not what was meant (e.g. lowercase `or`, which is searched as a
       * word). For the editor to show as hints; the query runs as parsed.
       */
      warnings?: QueryError[];
    }
  | { ok: false; error: QueryError };

/** AWS's live limits for SearchIndex and dynamic group queries. */
export const QUERY_LIMITS = {
  maxTerms: 12,
  /** A leading wildcard (`*my`, `?x`) may be used by one term per query ... */
  maxLeadingWildcardTerms: 1,
  /** ... and only when the whole query is at most this long. */
  maxLengthWithLeadingWildcard: 100,
} as const;
