/**
 * What is being typed at the cursor, for autocomplete in the query editor (field names from
 * the indexing configuration, known attribute values, operators). Only the text before the
 * cursor matters; the editor replaces `from`..cursor with the chosen completion.
 */
import { decodeWord, lex, type LexToken } from "./lexer";

export type CompletionContext =
  /**
   * A new clause starts here, so this may be a field name (or a bare search word).
   * `afterTerm`: a complete term precedes (juxtaposition is AND), so AND / OR / NOT fit too.
   */
  | { kind: "field"; prefix: string; from: number; afterTerm: boolean }
  /**
   * The value of `field` (after `field:`, `field<`, or inside `field:( ... )`). `prefix` is
   * verbatim (escapes kept); `quoted`: inside an open phrase, `from` is just after the quote.
   */
  | { kind: "value"; field: string; prefix: string; from: number; quoted: boolean }
  /** A term just ended: AND / OR / NOT fit here (and a new term, joined by the default AND). `prefix` is an operator already typed. */
  | { kind: "operator"; prefix: string; from: number }
  /** Nothing to suggest (inside a range, a bare phrase, after an invalid character, ...). */
  | { kind: "none" };

export function completionContext(text: string, cursor: number): CompletionContext {
  try {
    return contextAt(text, Math.max(0, Math.min(cursor, text.length)));
  } catch {
    return { kind: "none" };
  }
}

function contextAt(text: string, cursor: number): CompletionContext {
  const before = text.slice(0, cursor);
  const toks = lex(before);
  const raw = (t: LexToken) => before.slice(t.start, t.end);

  // Open parentheses, each with the field it groups (`field:(`) or null.
  const groups: Array<string | null> = [];
  // Significant tokens before the last one, to look back from the cursor.
  const sig: LexToken[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.kind === "lparen") groups.push(sig[sig.length - 1]?.kind === "colon" ? fieldBefore(sig, raw) : null);
    else if (t.kind === "rparen") groups.pop();
    if (i < toks.length - 1 && t.kind !== "ws") sig.push(t);
  }
  const groupField = groups.length ? groups[groups.length - 1] : null;
  const last = toks[toks.length - 1];
  const prev = sig[sig.length - 1];

  /** A clause starts at `from`: a field name, or a value of the enclosing field group. */
  const clause = (from: number, prefix: string, afterTerm: boolean): CompletionContext =>
    groupField !== null ? { kind: "value", field: groupField, prefix, from, quoted: false } : { kind: "field", prefix, from, afterTerm };

  /** The value of the field named by `tokens`, which end with `field:` / `field<`. */
  const valueAfter = (tokens: LexToken[], prefix: string, from: number, quoted: boolean): CompletionContext => {
    const field = fieldBefore(tokens, raw);
    return field === null ? { kind: "none" } : { kind: "value", field, prefix, from, quoted };
  };

  if (!last) return clause(0, "", false);
  if (last.mode === "range" && last.kind !== "lbracket") return { kind: "none" };

  switch (last.kind) {
    case "ws":
      if (!prev || prev.kind === "and" || prev.kind === "or" || prev.kind === "not" || prev.kind === "lparen") return clause(cursor, "", false);
      if (prev.kind === "colon" || prev.kind === "cmp") return valueAfter(sig, "", cursor, false);
      if (endsTerm(prev)) return { kind: "operator", prefix: "", from: cursor };
      return { kind: "none" };
    case "word":
      if (last.mode === "value") return valueAfter(sig, raw(last), last.start, false);
      return clause(last.start, raw(last), prev !== undefined && endsTerm(prev));
    case "and":
    case "or":
    case "not":
      return { kind: "operator", prefix: raw(last), from: last.start };
    case "minus":
    case "lparen":
      return clause(cursor, "", false);
    case "colon":
    case "cmp":
      return valueAfter([...sig, last], "", cursor, false);
    case "phrase": {
      if (last.closed) return { kind: "none" };
      const prefix = raw(last).slice(1);
      if (last.mode === "value") return valueAfter(sig, prefix, last.start + 1, true);
      if (groupField !== null) return { kind: "value", field: groupField, prefix, from: last.start + 1, quoted: true };
      return { kind: "none" };
    }
    default:
      return { kind: "none" };
  }
}

/** The field named just before the `:` or comparator ending `tokens` (`x` in `x:` / `x <`), or null. */
function fieldBefore(tokens: LexToken[], raw: (t: LexToken) => string): string | null {
  const op = tokens[tokens.length - 1];
  const field = tokens[tokens.length - 2];
  if (!op || (op.kind !== "colon" && op.kind !== "cmp")) return null;
  if (!field || field.kind !== "word" || field.mode !== "term") return null;
  return decodeWord(raw(field)).text;
}

function endsTerm(t: LexToken): boolean {
  return t.kind === "word" || t.kind === "rparen" || t.kind === "rbracket" || (t.kind === "phrase" && t.closed === true);
}
