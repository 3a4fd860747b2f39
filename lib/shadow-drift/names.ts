import { ANY_SHADOW } from "./contract";

/**
 * What the drift view accepts as names, after AWS's patterns: shadow names
 * `[$a-zA-Z0-9:_-]{1,64}`, thing type and group names `[a-zA-Z0-9:_-]{1,128}`; a key path
 * is a dotted path of shadow keys without control characters (it is shown and put in
 * queries and URLs). Shared by the route parameters and the page's URL state.
 */
export const SHADOW_NAME = /^[$a-zA-Z0-9:_-]{1,64}$/;
export const REGISTRY_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
export const MAX_KEY_LENGTH = 512;
const KEY_PATH = /^[^\u0000-\u001f\u007f]+$/;

export function isScope(v: string): boolean {
  return v === ANY_SHADOW || SHADOW_NAME.test(v);
}

export function isRegistryName(v: string): boolean {
  return REGISTRY_NAME.test(v);
}

export function isKeyPath(v: string): boolean {
  return v.length > 0 && v.length <= MAX_KEY_LENGTH && KEY_PATH.test(v);
}
