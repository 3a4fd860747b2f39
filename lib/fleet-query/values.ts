/**
 * Value helpers shared by the parser and whoever evaluates queries (the emulator's index):
 * the same notion of "a number" on both sides of a comparison, and one way to run a
 * wildcard pattern.
 */

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * The text as a number when it is written as a JSON number (`75`, `-3.5`, `1e3`), else
 * null. AWS indexes valid JSON numbers as numbers, and ranges/comparisons compare
 * numerically only then; `007`, `+5`, `0x1f`, `NaN` and `Infinity` are text.
 */
export function parseJsonNumber(text: string): number | null {
  if (!JSON_NUMBER.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

const REGEXP_SYNTAX = /[\\^$.*+?()[\]{}|/]/;

/**
 * Compiles a wildcard pattern (see the `wildcard` node: unescaped `*` = any run of
 * characters, `?` = exactly one character, `\*` `\?` `\\` literal) into an anchored,
 * case-insensitive regular expression (search values are case-insensitive).
 */
export function wildcardToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    let c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) c = pattern[++i];
    else if (c === "*") {
      source += ".*";
      continue;
    } else if (c === "?") {
      source += ".";
      continue;
    }
    source += REGEXP_SYNTAX.test(c) ? "\\" + c : c;
  }
  return new RegExp(`^${source}$`, "isu");
}
