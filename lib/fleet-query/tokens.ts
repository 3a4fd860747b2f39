/**
 * Syntax-highlighting tokens for the query editor. Every character of the input is in
 * exactly one token, in order, whitespace and invalid characters included, so an editor
 * can paint the tokens without gaps. Lexical only: structural mistakes (a missing
 * parenthesis) come from `parseQuery`'s error, not from here.
 */
import { decodeWord, lex, type LexToken } from "./lexer";
import { parseJsonNumber } from "./values";

export type TokenKind =
  /** `attributes.os` in `attributes.os:linux` or `attributes.v<5`. */
  | "field"
  | "colon"
  /** AND, OR, NOT, and the exclusion `-`. */
  | "operator"
  /** `<`, `<=`, `>`, `>=`. */
  | "comparator"
  /** A plain word (a value, or a bare search term). */
  | "value"
  /** A double-quoted phrase (also while its closing quote is still missing). */
  | "phrase"
  /** A word with an unescaped `*` or `?`, including `*` alone. */
  | "wildcard"
  /** A word written as a JSON number. */
  | "number"
  /** The brackets of a range: `[ ] { }`. */
  | "bracket"
  /** TO inside a range. */
  | "to"
  | "paren"
  | "whitespace"
  /** Characters the language does not allow here (see the parser's message for why). */
  | "invalid";

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
}

export function tokenize(text: string): Token[] {
  try {
    const raw = lex(text);
    const out: Token[] = new Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = { kind: classify(text, raw, i), start: raw[i].start, end: raw[i].end };
    return out;
  } catch {
    // Not expected (the lexer does not throw); the editor still gets full coverage.
    return text.length ? [{ kind: "invalid", start: 0, end: text.length }] : [];
  }
}

function classify(text: string, raw: LexToken[], i: number): TokenKind {
  const t = raw[i];
  switch (t.kind) {
    case "ws":
      return "whitespace";
    case "phrase":
      return "phrase";
    case "colon":
      return "colon";
    case "cmp":
      return "comparator";
    case "lparen":
    case "rparen":
      return "paren";
    case "lbracket":
    case "rbracket":
      return "bracket";
    case "to":
      return "to";
    case "and":
    case "or":
    case "not":
    case "minus":
      return "operator";
    case "invalid":
      return "invalid";
    case "word": {
      if (t.mode === "term") {
        // A field name is a word followed (spaces allowed) by ':' or a comparator.
        const next = raw[i + 1]?.kind === "ws" ? raw[i + 2] : raw[i + 1];
        if (next && (next.kind === "colon" || next.kind === "cmp")) return "field";
      }
      const d = decodeWord(text.slice(t.start, t.end));
      if (d.hasWildcard) return "wildcard";
      return parseJsonNumber(d.text) === null ? "value" : "number";
    }
  }
}
