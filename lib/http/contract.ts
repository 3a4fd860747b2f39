import type { z } from "zod";
import type { Requirement } from "@/lib/auth/permissions";

/**
 * One definition per route of the console's own API, shared by both ends: the server
 * handler (lib/http/route.ts `contractHandler`, wrapped by lib/http/api-route.ts) takes its permission and parses its query with its
 * schema; the browser builds its URL and its react-query key from it. So a parameter
 * renamed in one place cannot drift from the other. No server-only imports here: client
 * components import these definitions.
 */

/** A query parameter as the browser passes it: null, undefined, "" and false are left out, true is "1". */
export type QueryValue = string | number | boolean | null | undefined;

export interface RouteRequest {
  /** Values of the `[name]` segments of the path. */
  path?: Record<string, string>;
  query?: Record<string, QueryValue>;
}

export interface RouteDefinition<Args extends unknown[], Query extends z.ZodType | undefined, Path extends z.ZodType | undefined> {
  /** The URL path, `[name]` for a dynamic segment: `/api/things/[thingName]/shadows`. */
  path: string;
  /** What the caller's role must allow (lib/auth/permissions.ts); null: open on purpose. */
  permission: Requirement;
  /** The query parameters, as a plain object of strings (last value wins). Omitted: the handler reads the request itself. */
  query?: Query;
  /** The dynamic path segments. */
  params?: Path;
  /** The browser's arguments as path and query values. */
  request?: (...args: Args) => RouteRequest;
  /** The react-query key of a read (lib/query-keys.ts). */
  key?: (...args: Args) => readonly unknown[];
}

export interface RouteContract<
  Response,
  Args extends unknown[] = [],
  Query extends z.ZodType | undefined = undefined,
  Path extends z.ZodType | undefined = undefined,
> extends Omit<RouteDefinition<Args, Query, Path>, "key"> {
  /** The URL the browser calls. */
  url(...args: Args): string;
  /** The react-query key (the path and the arguments, unless the definition names one). */
  key(...args: Args): readonly unknown[];
  /** Type only: what a successful call answers. */
  readonly response?: Response;
}

/** Any contract, for generic code (the handler, the hooks). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteContract<any, any, any, any>;
export type ResponseOf<C> = C extends RouteContract<infer R, infer _A, infer _Q, infer _P> ? R : never;
export type ArgsOf<C extends AnyRoute> = Parameters<C["url"]>;

/**
 * `defineRoute<Response>()({ path, permission, query, request, key })`. Curried so the
 * response type is named while the rest is inferred.
 */
export function defineRoute<Response>() {
  return <Args extends unknown[] = [], Query extends z.ZodType | undefined = undefined, Path extends z.ZodType | undefined = undefined>(
    def: RouteDefinition<Args, Query, Path>,
  ): RouteContract<Response, Args, Query, Path> => ({
    ...def,
    url: (...args: Args) => buildUrl(def.path, def.request?.(...args) ?? {}),
    key: def.key ?? ((...args: Args) => [def.path, ...args]),
  });
}

/** A path template and its values as a URL (path segments and parameters encoded). */
export function buildUrl(template: string, { path = {}, query = {} }: RouteRequest): string {
  const pathname = template.replace(/\[([^\]]+)\]/g, (_, name: string) => {
    const value = path[name];
    if (value === undefined) throw new Error(`${template}: no value for [${name}]`);
    return encodeURIComponent(value);
  });
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === null || v === undefined || v === "" || v === false) continue;
    sp.set(k, v === true ? "1" : String(v));
  }
  const qs = sp.toString();
  return qs ? `${pathname}?${qs}` : pathname;
}

/** URLSearchParams → plain object for the query schema (last value wins). */
export function queryObject(params: URLSearchParams): Record<string, string> {
  return Object.fromEntries(params.entries());
}

/** The first problem of a rejected request, phrased for a person (the 400's message). */
export function firstIssueMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid query parameters.";
  if (issue.code === "unrecognized_keys") return `Unknown query parameter(s): ${issue.keys.join(", ")}.`;
  const where = issue.path.length ? `${issue.path.join(".")}: ` : "";
  return `${where}${issue.message}`;
}
