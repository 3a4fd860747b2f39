import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect, unstable_rethrow } from "next/navigation";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import { AppError, type AppErrorData } from "@/lib/errors";
import { jsonError } from "@/lib/http/route";
import { consoleDb } from "@/lib/db/console-db";
import { recordAudit } from "@/lib/audit/audit";
import { recordAnonymousAudit } from "@/lib/audit/anonymous-limit";
import { isCrossOrigin } from "@/lib/http/security-headers";
import { allows, type Requirement } from "./permissions";
import { clientAddress, currentSession } from "./current";
import type { Session } from "./sessions";

/**
 * Authorization at every entry point. A page, a route handler and a server action each
 * declare the permission they need (from lib/auth/permissions.ts) and these wrappers
 * check it on the server for every call, whatever the browser sends. The declared
 * requirement is attached to the function so the authorization-matrix test can find
 * every entry point and check it against the table.
 */
export const REQUIREMENT = Symbol.for("fleet-console.requirement");
export type Guarded = { [REQUIREMENT]: Requirement };

// ---------------------------------------------------------------- pages

/** Where a user with a temporary password is sent, and all they may do until they set their own. */
export const CHANGE_PASSWORD_PATH = "/account/password";
const PASSWORD_CHANGE_REQUIRED = "Your password is temporary: set your own password first (Change password page), then try again.";

/**
 * For server components: redirects anonymous callers to sign-in, answers 403 when the role
 * lacks `requirement`, and sends a user whose password is temporary to the change-password
 * page (which alone passes `duringPasswordChange`).
 */
export async function requirePage(requirement: Requirement = "fleet.read", options: { duringPasswordChange?: boolean } = {}): Promise<Session> {
  const session = await currentSession();
  if (!session) {
    const h = await headers();
    const next = h.get("x-fc-path") ?? "/";
    redirect(`/sign-in?next=${encodeURIComponent(next)}`);
  }
  if (session.mustChangePassword && !options.duringPasswordChange) {
    const next = (await headers()).get("x-fc-path") ?? "/";
    redirect(`${CHANGE_PASSWORD_PATH}?next=${encodeURIComponent(next)}`);
  }
  if (!allows(requirement, session.role)) forbidden();
  return session;
}

// ---------------------------------------------------------------- route handlers

type RouteContext = { params: Promise<Record<string, string | string[]>> };
type RouteHandler = (req: NextRequest, ctx: RouteContext & { session: Session | null }) => Promise<Response> | Response;

export interface RouteOptions {
  /**
   * Also accept top-level GET navigations from other sites. Only for an endpoint other
   * sites legitimately send the browser to and that protects itself otherwise: the OIDC
   * callback (the provider redirects there; `state` binds it to the browser's transaction
   * cookie) and the OIDC start (a provider's app tile may link to it).
   */
  crossSiteNavigation?: boolean;
}

/** A top-level GET navigation: a link followed or a redirect, never fetch(), a form POST or a frame. */
function topLevelNavigation(req: Request): boolean {
  return req.method === "GET" && req.headers.get("sec-fetch-mode") === "navigate" && req.headers.get("sec-fetch-dest") === "document";
}

export function route(
  requirement: Requirement,
  handler: RouteHandler,
  options: RouteOptions = {},
): ((req: NextRequest, ctx: RouteContext) => Promise<Response>) & Guarded {
  const guarded = async (req: NextRequest, ctx: RouteContext): Promise<Response> => {
    if (isCrossOrigin(req.headers) && !(options.crossSiteNavigation && topLevelNavigation(req))) {
      return jsonError({ code: "forbidden", message: "Cross-origin requests are not accepted." });
    }
    const session = requirement === null ? await currentSession().catch(() => null) : await currentSession();
    if (session?.mustChangePassword && requirement !== null) return jsonError({ code: "forbidden", message: PASSWORD_CHANGE_REQUIRED });
    if (!allows(requirement, session?.role)) {
      return session
        ? jsonError({ code: "forbidden", message: "Your role does not allow this." })
        : jsonError({ code: "unauthenticated", message: new AppError("unauthenticated").message });
    }
    try {
      return await handler(req, { ...ctx, session });
    } catch (err) {
      if (err instanceof AppError) return jsonError(err.toData());
      console.error("[api] unexpected error", err);
      return jsonError(new AppError("internal").toData());
    }
  };
  return Object.assign(guarded, { [REQUIREMENT]: requirement });
}

// ---------------------------------------------------------------- server actions

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: AppErrorData; fieldErrors?: Record<string, string> };

export interface ActionContext {
  session: Session | null;
  ip: string;
  /** Fill in what the audit record should say beyond the defaults. */
  audit: {
    /** Who the record names when there is no session yet (sign-in: the typed user name). */
    actor?: string;
    target?: string | null;
    awsRequestId?: string | null;
    params?: unknown;
  };
}

export interface ActionDefinition<S extends z.ZodType> {
  /** The audit action name, e.g. `users.create`. */
  name: string;
  requirement: Requirement;
  input: S;
  /**
   * Whether to write an audit record of its outcome (every state-changing action does).
   * Default true. A refused call is recorded either way: it is a security event.
   */
  audited?: boolean;
  /**
   * The audit target read from the raw input, before any check, so that denied and
   * invalid calls are recorded against what they aimed at. The handler may refine it.
   */
  target?: (raw: Record<string, unknown>) => string | null | undefined;
  /** Open to a user whose password is temporary (only setting it, and signing out). */
  duringPasswordChange?: boolean;
}

/** A `target` reader for the common case: one named string field of the input. */
export function targetField(field: string): (raw: Record<string, unknown>) => string | null {
  return (raw) => {
    const value = raw[field];
    return typeof value === "string" && value.trim() ? value.trim().slice(0, 256) : null;
  };
}

function formDataToObject(fd: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of fd.entries()) {
    if (k.startsWith("$ACTION")) continue;
    // Append in place: copying the list per repeated field is quadratic in a crafted form.
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[k] = [prev, v];
  }
  return out;
}

/**
 * Builds a server action: establishes the caller, checks the requirement, validates the
 * input with zod, runs the handler and writes the audit record (success, failure or
 * denied). Callable as `action(input)` or, for `useActionState`, as `action(prev, formData)`.
 */
export function action<S extends z.ZodType, T>(
  def: ActionDefinition<S>,
  handler: (input: z.infer<S>, ctx: ActionContext) => Promise<T>,
): ((...args: [unknown] | [unknown, unknown]) => Promise<ActionResult<T>>) & Guarded {
  const run = async (...args: [unknown] | [unknown, unknown]): Promise<ActionResult<T>> => {
    const raw = args.length === 2 ? args[1] : args[0];
    const input = raw instanceof FormData ? formDataToObject(raw) : raw;
    const session = await currentSession();
    const ip = await clientAddress();
    const ctx: ActionContext = { session, ip, audit: {} };
    if (def.target && input && typeof input === "object") ctx.audit.target = def.target(input as Record<string, unknown>) ?? null;
    const audit = (result: "success" | "failure" | "denied", errorCode?: string, params?: unknown) => {
      if (def.audited === false && result !== "denied") return;
      // Callers without a session cannot fill the trail: their refused and failed calls are rate-limited.
      const write = session || result === "success" ? recordAudit : recordAnonymousAudit;
      write(consoleDb(), {
        actor: ctx.audit.actor ?? session?.username ?? "anonymous",
        role: session?.role ?? null,
        action: def.name,
        target: ctx.audit.target ?? null,
        params: ctx.audit.params ?? params,
        result,
        errorCode,
        awsRequestId: ctx.audit.awsRequestId ?? null,
        ip,
      });
    };

    if (!allows(def.requirement, session?.role)) {
      const error: AppErrorData = session
        ? { code: "forbidden", message: "Your role does not allow this." }
        : { code: "unauthenticated", message: new AppError("unauthenticated").message };
      audit("denied", error.code, input);
      return { ok: false, error };
    }
    if (session?.mustChangePassword && def.requirement !== null && !def.duringPasswordChange) {
      const error: AppErrorData = { code: "forbidden", message: PASSWORD_CHANGE_REQUIRED };
      audit("denied", error.code, input);
      return { ok: false, error };
    }
    const parsed = def.input.safeParse(input);
    if (!parsed.success) {
      const fieldErrors: Record<string, string> = {};
      for (const issue of parsed.error.issues) fieldErrors[issue.path.join(".") || "_"] ??= issue.message;
      audit("failure", "invalid_input", input);
      return { ok: false, error: { code: "invalid_input", message: parsed.error.issues[0]?.message ?? "Invalid input." }, fieldErrors };
    }
    try {
      const data = await handler(parsed.data, ctx);
      audit("success", undefined, parsed.data);
      return { ok: true, data };
    } catch (err) {
      // redirect(), notFound() and friends are control flow, not failures: let Next handle them.
      unstable_rethrow(err);
      const appError = err instanceof AppError ? err : null;
      if (!appError) console.error(`[action] ${def.name} failed`, err);
      const error = appError?.toData() ?? new AppError("internal").toData();
      audit("failure", error.code, parsed.data);
      return { ok: false, error };
    }
  };
  return Object.assign(run, { [REQUIREMENT]: def.requirement });
}
