import { nestsDeeperThan } from "./nesting";

/** Deeper than this, JSON.stringify risks overflowing the call stack: such a document is shown as stored. */
export const PRETTY_MAX_NESTING = 500;

/**
 * JSON text indented by two, or the text as stored when it is not JSON (`json: false`) or
 * nests too deeply to re-print safely (`json: true`, text unchanged). Pure; no dependencies
 * beyond lib/json.
 */
export function prettyJson(text: string): { text: string; json: boolean } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { text, json: false };
  }
  if (nestsDeeperThan(value, PRETTY_MAX_NESTING)) return { text, json: true };
  return { text: JSON.stringify(value, null, 2), json: true };
}
