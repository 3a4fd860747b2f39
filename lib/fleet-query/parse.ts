/**
 * The parser of the fleet-indexing query language (AWS IoT fleet indexing: "Query syntax"
 * and "Example thing queries" in the developer guide). One grammar for the console (inline
 * errors as you type) and the emulator (InvalidQueryException messages).
 *
 * Grammar (precedence NOT > AND > OR; juxtaposition is AND, AWS's default operator):
 *
 *   query   := or EOF
 *   or      := and ("OR" and)*
 *   and     := unary (["AND"] unary)*            a b, a NOT b  =  a AND b, a AND NOT b
 *   unary   := ("NOT" | "-") unary | primary     "-" must touch its operand: -a, not - a
 *   primary := "(" or ")"
 *            | FIELD ":" value                   field names are case-sensitive, verbatim
 *            | FIELD CMP scalar                  attributes.x<5, connectivity.timestamp > 1557651600000
 *            | WORD | PHRASE                     a bare term searches every field (or the group's field)
 *            | range | CMP scalar                only inside a field group: attributes.x:([1 TO 5] OR >9)
 *   value   := WORD | PHRASE | range | "(" or ")" the parenthesised form is field grouping: the field
 *                                                applies to every term inside that names none
 *   range   := ("[" | "{") bound "TO" bound ("]" | "}")   [ ] inclusive, { } exclusive, mixable
 *   bound   := WORD | PHRASE                     `*` = open
 *
 * Then the AWS limits (QUERY_LIMITS): at most 12 terms; at most one term may start with a
 * wildcard, and then the whole query may be at most 100 characters. A bare `*` (every
 * thing) and `field:*` (the field exists) are not leading-wildcard terms.
 *
 * Decisions where AWS documents nothing (kept strict, so a query the console accepts is
 * one AWS documents):
 * - Only capital AND / OR / NOT / TO are operators (as in Lucene). Lowercase `and`, `or`,
 *   `not` are searched as words, with a warning.
 * - `&&`, `||`, `!`, `+`, `^`, `~`, single quotes and the special characters AWS lists as
 *   unsupported (`` ` @ # % / ; , ``) are errors when unescaped and unquoted.
 * - `field:<5` is an error that suggests `field<5`.
 * - Right after `field:`, a value may contain `:` and start with `-` (`thingName:arn:aws:x`,
 *   `attributes.offset:-5`); exclusion is written before the field (`-thingName:x`).
 * - Quoted values are text: `Literal.number` is null for them, so `"10"` compares as a string.
 * - A field named inside a field group overrides the group's field, as in Lucene.
 */
import { QUERY_LIMITS, type Bound, type Literal, type ParseResult, type QueryError, type QueryNode, type Span } from "./ast";
import { decodePhrase, decodeWord, lex, type LexToken } from "./lexer";
import { parseJsonNumber } from "./values";
import { termsOf } from "./format";

/** Deeper nesting of parentheses / NOT than this is refused (no real query comes close; it keeps recursion bounded). */
export const MAX_NESTING = 64;

type Tok = LexToken | { kind: "eof"; start: number; end: number; mode: "term" };

/** A parsed piece: the node, and the text it came from including its parentheses. */
interface Item {
  node: QueryNode;
  start: number;
  end: number;
}

class Failure {
  constructor(
    readonly message: string,
    readonly span: Span,
  ) {}
}

const fail = (message: string, start: number, end: number): never => {
  throw new Failure(message, { start, end });
};

export function parseQuery(text: string): ParseResult {
  try {
    return new Parser(text).parse();
  } catch (e) {
    if (e instanceof Failure) return { ok: false, error: { message: e.message, span: e.span } };
    // A bug, or a pathological input the limits did not catch: still an answer, never a throw.
    return { ok: false, error: { message: "This query could not be read", span: { start: 0, end: text.length } } };
  }
}

class Parser {
  private readonly toks: Tok[];
  private pos = 0;
  private depth = 0;
  private readonly warnings: QueryError[] = [];

  constructor(private readonly text: string) {
    this.toks = lex(text).filter((t) => t.kind !== "ws");
    this.toks.push({ kind: "eof", start: text.length, end: text.length, mode: "term" });
  }

  parse(): ParseResult {
    const first = this.peek();
    if (first.kind === "eof") fail("The query is empty: type a search term, or * for every thing", 0, this.text.length);
    const item = this.parseOr(null);
    const t = this.peek();
    if (t.kind !== "eof") this.unexpected(t);
    return this.checkLimits(item.node);
  }

  // ---------------------------------------------------------------- tokens

  private peek(): Tok {
    const t = this.toks[this.pos];
    // An invalid token is reported as soon as the parser looks at it: errors come left to right.
    if (t.kind === "invalid") fail(t.message ?? "This character is not allowed here", t.start, t.end);
    return t;
  }

  private next(): Tok {
    const t = this.peek();
    this.pos++;
    return t;
  }

  private raw(t: { start: number; end: number }): string {
    return this.text.slice(t.start, t.end);
  }

  /** A token that cannot continue the query where it stands. */
  private unexpected(t: Tok): never {
    switch (t.kind) {
      case "rparen":
        return fail("This closing parenthesis has no matching '('", t.start, t.end);
      case "rbracket":
        return fail(`'${this.raw(t)}' closes a range that was never opened`, t.start, t.end);
      case "colon":
        return fail("Expected a field name before ':'", t.start, t.end);
      case "and":
      case "or":
        return fail(`'${this.raw(t)}' needs a search term before it`, t.start, t.end);
      case "eof":
        return fail("The query ends too early", t.start, t.end);
      default:
        return fail(`Unexpected '${this.raw(t)}'`, t.start, t.end);
    }
  }

  private enter(t: { start: number; end: number }): void {
    if (++this.depth > MAX_NESTING) fail(`The query nests parentheses or NOT more than ${MAX_NESTING} levels deep`, t.start, t.end);
  }

  // ---------------------------------------------------------------- boolean structure

  private parseOr(field: string | null): Item {
    const items = [this.parseAnd(field, null)];
    while (this.peek().kind === "or") {
      const op = this.next();
      items.push(this.parseAnd(field, op));
    }
    return combine("or", items);
  }

  /** `after`: the OR before this operand, if any (for the error when the operand is missing). */
  private parseAnd(field: string | null, after: Tok | null): Item {
    const items = [this.parseUnary(field, after)];
    for (;;) {
      const t = this.peek();
      if (t.kind === "and") {
        this.next();
        items.push(this.parseUnary(field, t));
      } else if (startsClause(t)) {
        items.push(this.parseUnary(field, null)); // juxtaposition: the default operator is AND
      } else break;
    }
    return combine("and", items);
  }

  /** `after`: the operator that needs this operand, for the error when there is none. */
  private parseUnary(field: string | null, after: Tok | null): Item {
    const t = this.peek();
    if (t.kind === "not" || t.kind === "minus") {
      this.next();
      if (t.kind === "minus" && this.peek().start !== t.end)
        fail("Write '-' directly before the term it excludes, without a space (e.g. -thingName:test*)", t.start, t.end);
      this.enter(t);
      const operand = this.parseUnary(field, t);
      this.depth--;
      return { node: { kind: "not", child: operand.node, span: { start: t.start, end: operand.end } }, start: t.start, end: operand.end };
    }
    if (!startsClause(t)) {
      if (after) fail(`'${this.raw(after)}' needs a search term after it`, after.start, after.end);
      this.unexpected(t);
    }
    return this.parsePrimary(field);
  }

  private parsePrimary(field: string | null): Item {
    const t = this.peek();
    switch (t.kind) {
      case "lparen":
        return this.parseGroup(field, null);
      case "word":
        return this.parseWordClause(field);
      case "phrase": {
        this.next();
        if (this.toks[this.pos].kind === "colon") fail("A field name cannot be in quotes", t.start, t.end);
        return leaf({ kind: "term", field, value: this.phraseLiteral(t), span: span(t) });
      }
      case "lbracket": {
        const range = this.parseRange(field, t.start);
        if (field === null) fail("A range needs a field, e.g. attributes.version:[1 TO 5]", range.start, range.end);
        return range;
      }
      case "cmp":
        if (field === null) fail(`A comparison needs a field before '${this.raw(t)}', e.g. attributes.version${this.raw(t)}5`, t.start, t.end);
        this.next();
        return this.parseComparison(field as string, t.start, t);
      default:
        return this.unexpected(t);
    }
  }

  /**
   * `( ... )`, or with `label` (the `field:` text before it) the field group `field:( ... )`:
   * `field` then applies to every term inside that names no field of its own.
   */
  private parseGroup(field: string | null, label: { start: number; text: string } | null): Item {
    const open = this.next();
    this.enter(open);
    const first = this.peek();
    if (first.kind === "eof") fail("Missing closing parenthesis for the one opened here", open.start, open.end);
    if (first.kind === "rparen")
      fail(label ? `Empty parentheses after '${label.text}': put a value inside` : "Empty parentheses: put a search term inside", open.start, first.end);
    const inner = this.parseOr(field);
    const close = this.peek();
    if (close.kind === "eof") fail("Missing closing parenthesis for the one opened here", open.start, open.end);
    if (close.kind !== "rparen") this.unexpected(close);
    this.next();
    this.depth--;
    const start = label ? label.start : open.start;
    // A compound node stands for the whole group, parentheses included; a single term keeps its own span.
    if (inner.node.kind === "and" || inner.node.kind === "or" || inner.node.kind === "not") inner.node.span = { start, end: close.end };
    return { node: inner.node, start, end: close.end };
  }

  // ---------------------------------------------------------------- clauses

  private parseWordClause(groupField: string | null): Item {
    const w = this.next() as LexToken;
    const after = this.peek();
    if (after.kind === "colon") {
      this.next();
      return this.parseFieldValue(this.fieldName(w), w, after);
    }
    if (after.kind === "cmp") {
      this.next();
      return this.parseComparison(this.fieldName(w), w.start, after);
    }
    return this.bareWord(w, groupField);
  }

  private fieldName(w: LexToken): string {
    const d = decodeWord(this.raw(w));
    if (d.hasWildcard) fail("A field name cannot contain wildcards ('*' or '?')", w.start, w.end);
    return d.text;
  }

  /** A word standing alone: in every field, or in the field of the enclosing field group. */
  private bareWord(w: LexToken, field: string | null): Item {
    const raw = this.raw(w);
    const d = decodeWord(raw);
    if (/^(?:and|or|not)$/i.test(raw)) this.warn(`'${raw}' is searched as a word; write ${raw.toUpperCase()} in capitals to combine terms`, w);
    else if (field === null && /^[^=\\]+=/.test(raw)) this.warn(`'${raw}' is searched as one word; to compare a field write field:value (with ':')`, w);
    return this.valueNode(field, d, w.start, w.end);
  }

  /** The node for an unquoted value: `*` alone (every thing / field exists), a wildcard pattern, or a term. */
  private valueNode(field: string | null, d: ReturnType<typeof decodeWord>, start: number, end: number): Item {
    const s = { start, end };
    if (d.pattern === "*") return leaf(field === null ? { kind: "all", span: s } : { kind: "exists", field, span: s });
    if (d.hasWildcard) return leaf({ kind: "wildcard", field, pattern: d.pattern, leading: d.leadingWildcard, span: s });
    return leaf({ kind: "term", field, value: { text: d.text, number: parseJsonNumber(d.text), quoted: false }, span: s });
  }

  /** After `field:`. */
  private parseFieldValue(field: string, fw: LexToken, colon: Tok): Item {
    const label = this.text.slice(fw.start, colon.end);
    const t = this.peek();
    switch (t.kind) {
      case "word":
        this.next();
        return this.valueNode(field, decodeWord(this.raw(t)), fw.start, t.end);
      case "phrase":
        this.next();
        return leaf({ kind: "term", field, value: this.phraseLiteral(t), span: { start: fw.start, end: t.end } });
      case "lparen":
        return this.parseGroup(field, { start: fw.start, text: label });
      case "lbracket":
        return this.parseRange(field, fw.start);
      case "cmp":
        return fail(`Write a comparison without ':', e.g. ${this.raw(fw)}${this.raw(t)}5`, colon.start, t.end);
      default:
        return fail(`Expected a value after '${label}'`, fw.start, colon.end);
    }
  }

  /** After `field<`, `field >=` (or a bare comparator inside a field group). */
  private parseComparison(field: string, start: number, cmp: Tok): Item {
    const op = this.raw(cmp);
    const t = this.peek();
    let value: Literal;
    if (t.kind === "word") {
      this.next();
      const d = decodeWord(this.raw(t));
      if (d.hasWildcard) fail(`A comparison needs a plain value: wildcards cannot be used after '${op}'`, t.start, t.end);
      value = { text: d.text, number: parseJsonNumber(d.text), quoted: false };
    } else if (t.kind === "phrase") {
      this.next();
      value = this.phraseLiteral(t);
    } else {
      return fail(`Expected a value after '${this.text.slice(start, cmp.end)}'`, start, cmp.end);
    }
    const bound: Bound = { value, inclusive: op.length === 2 };
    const greater = op[0] === ">";
    return leaf({ kind: "range", field, lower: greater ? bound : null, upper: greater ? null : bound, span: { start, end: t.end } });
  }

  /** `[a TO b]`, `{a TO b}`, mixed; `start` is where the node begins (the field, when there is one). */
  private parseRange(field: string | null, start: number): Item {
    const open = this.next();
    const missingClose = () => fail("Missing ']' or '}' to close the range opened here", open.start, open.end);

    let t = this.peek();
    if (t.kind === "eof") missingClose();
    if (t.kind === "rbracket") fail("Empty range: write [lower TO upper], with * for an open end", open.start, t.end);
    if (t.kind === "to") fail("Expected a lower bound before 'TO'", t.start, t.end);
    const lower = this.rangeBound(this.next());

    const to = this.peek();
    if (to.kind !== "to") {
      if (to.kind === "eof") missingClose();
      if (to.kind === "word" && this.raw(to).toUpperCase() === "TO") fail("Write 'TO' in capitals between the range's bounds", to.start, to.end);
      // Underline the whole range when it is closed; otherwise the missing closer is the better message.
      let i = this.pos;
      while (this.toks[i].kind !== "rbracket" && this.toks[i].kind !== "eof") i++;
      if (this.toks[i].kind === "eof") missingClose();
      fail("Range needs 'TO' between its bounds", open.start, this.toks[i].end);
    }
    this.next();

    t = this.peek();
    if (t.kind === "eof") missingClose();
    if (t.kind === "rbracket") fail("Expected an upper bound after 'TO'", to.start, to.end);
    const upper = this.rangeBound(this.next());

    const close = this.peek();
    if (close.kind === "eof") missingClose();
    if (close.kind !== "rbracket") fail(`Expected ']' or '}' to close the range, found '${this.raw(close)}'`, close.start, close.end);
    this.next();

    const openCh = this.text[open.start];
    const closeCh = this.text[close.start];
    const node: QueryNode = {
      kind: "range",
      field: field ?? "",
      lower: lower && { value: lower, inclusive: openCh === "[" },
      upper: upper && { value: upper, inclusive: closeCh === "]" },
      span: { start, end: close.end },
    };
    if (
      lower?.number != null &&
      upper?.number != null &&
      (lower.number > upper.number || (lower.number === upper.number && (openCh === "{" || closeCh === "}")))
    )
      this.warn(`This range matches nothing: its lower bound ${lower.text} is not below its upper bound ${upper.text}`, node.span);
    return leaf(node);
  }

  /** A range bound: a word or a phrase; `*` (unquoted) is an open end (null). */
  private rangeBound(t: Tok): Literal | null {
    if (t.kind === "phrase") return this.phraseLiteral(t);
    if (t.kind !== "word") fail(`Expected a range bound, found '${this.raw(t)}'`, t.start, t.end);
    const d = decodeWord(this.raw(t));
    if (d.pattern === "*") return null;
    if (d.hasWildcard) fail("A range bound cannot contain wildcards; use * alone for an open end", t.start, t.end);
    return { text: d.text, number: parseJsonNumber(d.text), quoted: false };
  }

  private phraseLiteral(t: Tok): Literal {
    const closed = (t as LexToken).closed === true;
    if (!closed) fail("Missing closing quote for the phrase started here", t.start, t.start + 1);
    const text = decodePhrase(this.raw(t), true);
    if (text === "") fail("Empty phrase: put the text to search between the quotes", t.start, t.end);
    return { text, number: null, quoted: true };
  }

  private warn(message: string, s: Span): void {
    this.warnings.push({ message, span: { start: s.start, end: s.end } });
  }

  // ---------------------------------------------------------------- AWS limits

  private checkLimits(query: QueryNode): ParseResult {
    const terms = termsOf(query).filter((t) => t.kind !== "all");
    if (terms.length > QUERY_LIMITS.maxTerms) {
      const extra = terms[QUERY_LIMITS.maxTerms].span;
      fail(`The query has ${terms.length} terms; AWS IoT allows at most ${QUERY_LIMITS.maxTerms}`, extra.start, extra.end);
    }
    const leading = terms.filter((t) => t.kind === "wildcard" && t.leading);
    if (leading.length > QUERY_LIMITS.maxLeadingWildcardTerms) {
      const second = leading[QUERY_LIMITS.maxLeadingWildcardTerms].span;
      fail(`Only one term per query may start with a wildcard ('*' or '?'), and '${this.raw(leading[0].span)}' already does`, second.start, second.end);
    }
    if (leading.length > 0 && this.text.length > QUERY_LIMITS.maxLengthWithLeadingWildcard) {
      const s = leading[0].span;
      fail(
        `A query with a leading wildcard may be at most ${QUERY_LIMITS.maxLengthWithLeadingWildcard} characters; this one has ${this.text.length}`,
        s.start,
        s.end,
      );
    }
    return { ok: true, query, termCount: terms.length, warnings: this.warnings };
  }
}

function startsClause(t: Tok): boolean {
  switch (t.kind) {
    case "word":
    case "phrase":
    case "lparen":
    case "lbracket":
    case "cmp":
    case "not":
    case "minus":
      return true;
    default:
      return false;
  }
}

function span(t: { start: number; end: number }): Span {
  return { start: t.start, end: t.end };
}

function leaf(node: QueryNode): Item {
  return { node, start: node.span.start, end: node.span.end };
}

function combine(kind: "and" | "or", items: Item[]): Item {
  if (items.length === 1) return items[0];
  const start = items[0].start;
  const end = items[items.length - 1].end;
  return { node: { kind, children: items.map((i) => i.node), span: { start, end } }, start, end };
}
