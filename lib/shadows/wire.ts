import { isObject } from "./json";
import type { ShadowDocument, ShadowViewResponse } from "./types";

/**
 * Shadow documents across the server → browser boundary of React Server Components: the
 * view a page prefetches (a client component's props) and the current document a version
 * conflict carries (a server action's result). The RSC protocol drops every key named
 * `__proto__` from the objects it carries (React's guard against prototype pollution), and
 * a shadow may hold such a key; so documents cross as JSON text, which JSON.parse turns
 * back into own keys. The route handler's JSON responses need none of this.
 */

export function documentToText(doc: ShadowDocument | null): string {
  return JSON.stringify(doc);
}

/** The document sent by `documentToText`; null for `null` (and for anything that is not one). */
export function documentFromText(text: string): ShadowDocument | null {
  const v = parse(text);
  return isObject(v) && typeof v.version === "number" ? (v as unknown as ShadowDocument) : null;
}

export function viewToText(view: ShadowViewResponse | null): string {
  return JSON.stringify(view);
}

export function viewFromText(text: string | null | undefined): ShadowViewResponse | null {
  const v = typeof text === "string" ? parse(text) : null;
  return isObject(v) && typeof v.thingName === "string" && Array.isArray(v.namedShadows) ? (v as unknown as ShadowViewResponse) : null;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
