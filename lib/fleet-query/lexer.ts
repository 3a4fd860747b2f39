/**
 * The lexer of the fleet-indexing query language, shared by the parser, the syntax
 * highlighter and autocomplete so that all three cut the text the same way. Internal to
 * `lib/fleet-query/`: callers use `parseQuery`, `tokenize` and `completionContext`.
 *
 * It never fails: every character of the input lands in exactly one token, and what the
 * language does not allow becomes an `invalid` token carrying the reason.
 *
 * The language is Lucene-like, so the lexer is contextual like Lucene's:
 * - "term" mode (the start of a clause): a word ends at an unescaped `:` (it may be a
 *   field name), and a leading `-` is the exclusion operator.
 * - "value" mode (right after `field:` or `field<`, across whitespace): `:` belongs to the
 *   value (`thingName:arn:aws:iot:...`), and so does a leading `-` (`attributes.t:-5`).
 * - "range" mode (between `[`/`{` and `]`/`}`): `TO` separates the bounds; `-`, `:`
 *   belong to the bound.
 * `AND`, `OR`, `NOT` (exactly, in capitals) are operators in term and value modes; in
 * lowercase they are ordinary words, as in Lucene (the parser warns about them).
 */

export type LexKind =
  "ws" | "word" | "phrase" | "colon" | "cmp" | "lparen" | "rparen" | "lbracket" | "rbracket" | "to" | "and" | "or" | "not" | "minus" | "invalid";

export type LexMode = "term" | "value" | "range";

export interface LexToken {
  kind: LexKind;
  start: number;
  end: number;
  /** The lexer's mode when the token was read (see above). */
  mode: LexMode;
  /** `phrase` only: the closing quote was found. */
  closed?: boolean;
  /** `invalid` only: why, for the operator. */
  message?: string;
}

/** Whitespace as Java's `Character.isWhitespace` defines it (AWS splits words on it): no-break spaces are not whitespace. */
export function isQueryWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x1680) return false;
  return c === 0x1680 || (c >= 0x2000 && c <= 0x200a && c !== 0x2007) || c === 0x2028 || c === 0x2029 || c === 0x205f || c === 0x3000;
}

/**
 * Characters that are special when unescaped and unquoted, and why they are rejected.
 * AWS lists `` ` @ # % \ / ' ; , `` as unsupported special characters (`\` is still the
 * escape character, and `,` is for geo queries only); `! ^ ~` are Lucene syntax that AWS
 * does not offer (NOT, boosting, fuzzy/proximity search). Escaped (`\@`) or inside a
 * phrase they are accepted as text: whether AWS then matches them is not documented.
 */
const INVALID_CHAR_MESSAGES: Record<string, string> = {
  "`": "'`' is not supported in fleet-indexing queries",
  "@": "'@' is not supported in fleet-indexing queries",
  "#": "'#' is not supported in fleet-indexing queries",
  "%": "'%' is not supported in fleet-indexing queries",
  "/": "'/' is not supported in fleet-indexing queries (there are no regular expressions)",
  ";": "';' is not supported in fleet-indexing queries",
  ",": "',' is only supported in geo queries",
  "'": `Use double quotes for a phrase ("like this"); single quotes are not supported`,
  "!": "Use NOT instead of '!'",
  "^": "Boosting ('^') is not supported in fleet-indexing queries",
  "~": "Fuzzy and proximity searches ('~') are not supported in fleet-indexing queries",
};

// Character classes, by code unit, for the hot loop.
const C_INVALID = 1; // see INVALID_CHAR_MESSAGES
const C_STOP = 2; // ends a word in every mode: ( ) [ ] { } " < >
const C_COLON = 4;
const CLASS = new Uint8Array(128);
for (const ch of Object.keys(INVALID_CHAR_MESSAGES)) CLASS[ch.charCodeAt(0)] = C_INVALID;
for (const ch of '()[]{}"<>') CLASS[ch.charCodeAt(0)] = C_STOP;
CLASS[":".charCodeAt(0)] = C_COLON;

const BACKSLASH = 0x5c;

/** Splits `text` into tokens covering every character exactly once. Linear; never throws. */
export function lex(text: string): LexToken[] {
  const tokens: LexToken[] = [];
  const n = text.length;
  let i = 0;
  let mode = "term" as LexMode; // (a cast: `push` changes it, which control-flow narrowing cannot see)

  const push = (kind: LexKind, start: number, end: number, extra?: Partial<LexToken>) => {
    tokens.push({ kind, start, end, mode, ...extra });
    // Mode after the token: whitespace keeps it (`field : value`, `field < 5`).
    if (kind === "ws") return;
    if (kind === "lbracket") mode = "range";
    else if (kind === "rbracket") mode = "term";
    else if (mode === "range") return;
    else if (kind === "colon" || kind === "cmp") mode = "value";
    else mode = "term";
  };

  while (i < n) {
    const start = i;
    const c = text.charCodeAt(i);

    if (isQueryWhitespace(c)) {
      i++;
      while (i < n && isQueryWhitespace(text.charCodeAt(i))) i++;
      push("ws", start, i);
      continue;
    }

    const ch = text[i];
    switch (ch) {
      case "(":
        push("lparen", i, ++i);
        continue;
      case ")":
        push("rparen", i, ++i);
        continue;
      case "[":
      case "{":
        push("lbracket", i, ++i);
        continue;
      case "]":
      case "}":
        push("rbracket", i, ++i);
        continue;
      case '"': {
        i++;
        let closed = false;
        while (i < n) {
          const d = text.charCodeAt(i);
          if (d === BACKSLASH && i + 1 < n) i += 2;
          else if (d === 0x22) {
            i++;
            closed = true;
            break;
          } else i++;
        }
        push("phrase", start, i, { closed });
        continue;
      }
      case "<":
      case ">":
        i++;
        if (text[i] === "=") i++;
        push("cmp", start, i);
        continue;
      case ":":
        // In range mode `:` is part of a bound; elsewhere a colon not inside a value word separates field and value.
        if (mode !== "range") {
          push("colon", i, ++i);
          continue;
        }
        break;
      case "\\":
        if (i + 1 >= n) {
          push("invalid", i, ++i, { message: "Nothing follows this '\\': remove it, or write '\\\\' to search for a backslash" });
          continue;
        }
        break;
      case "-":
        if (mode === "term") {
          push("minus", i, ++i);
          continue;
        }
        break;
      case "+":
        if (mode === "term") {
          push("invalid", i, ++i, { message: "'+' is not supported: every term is required by default (the default operator is AND)" });
          continue;
        }
        break;
      case "&":
      case "|":
        if (text[i + 1] === ch) {
          push("invalid", i, (i += 2), { message: `Use ${ch === "&" ? "AND" : "OR"} instead of '${ch}${ch}'` });
          continue;
        }
        break;
      default:
        if (c < 128 && CLASS[c] === C_INVALID) {
          push("invalid", i, ++i, { message: INVALID_CHAR_MESSAGES[ch] });
          continue;
        }
    }

    // A word: up to whitespace, a stop character, an invalid character, a trailing lone
    // backslash, or (in term mode) a colon. `\x` always takes x literally.
    const colonEnds = mode === "term";
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d === BACKSLASH) {
        if (i + 1 >= n) break;
        i += 2;
        continue;
      }
      if (isQueryWhitespace(d)) break;
      if (d < 128) {
        const k = CLASS[d];
        if (k === C_STOP || k === C_INVALID || (k === C_COLON && colonEnds)) break;
      }
      i++;
    }
    const raw = text.slice(start, i);
    if (mode === "range") push(raw === "TO" ? "to" : "word", start, i);
    else if (raw === "AND") push("and", start, i);
    else if (raw === "OR") push("or", start, i);
    else if (raw === "NOT") push("not", start, i);
    else push("word", start, i);
  }
  return tokens;
}

/** A word with its escapes resolved. */
export interface DecodedWord {
  /** The text as meant: escapes removed, wildcard characters kept. */
  text: string;
  /** The text with unescaped `*`/`?` as wildcards and escaped `\*`, `\?`, `\\` kept escaped. */
  pattern: string;
  /** Contains an unescaped `*` or `?`. */
  hasWildcard: boolean;
  /** Starts with an unescaped `*` or `?`. */
  leadingWildcard: boolean;
}

export function decodeWord(raw: string): DecodedWord {
  let text = "";
  let pattern = "";
  let hasWildcard = false;
  let leadingWildcard = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "\\" && i + 1 < raw.length) {
      const next = raw[++i];
      text += next;
      pattern += next === "*" || next === "?" || next === "\\" ? "\\" + next : next;
    } else {
      if (c === "*" || c === "?") {
        hasWildcard = true;
        if (i === 0) leadingWildcard = true;
      }
      text += c;
      pattern += c;
    }
  }
  return { text, pattern, hasWildcard, leadingWildcard };
}

/** The content of a phrase token (between the quotes), escapes resolved. */
export function decodePhrase(raw: string, closed: boolean): string {
  const inner = raw.slice(1, closed ? -1 : undefined);
  if (!inner.includes("\\")) return inner;
  let out = "";
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === "\\" && i + 1 < inner.length) i++;
    out += inner[i];
  }
  return out;
}
