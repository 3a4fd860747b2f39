import "server-only";
import { route, type RouteOptions } from "@/lib/auth/guard";
import type { Session } from "@/lib/auth/sessions";
import type { AnyRoute } from "./contract";
import { contractHandler, type HandlerInput, type HandlerResult } from "./route";

/**
 * A route handler from its contract: the guard checks the contract's permission (and
 * records it for the authorization matrix), then contractHandler parses, runs and
 * answers. `export const GET = apiRoute(thingsRoute, ({ query }) => listThings(...))`.
 */
export function apiRoute<C extends AnyRoute>(
  contract: C,
  run: (input: HandlerInput<C>, ctx: { session: Session | null }) => Promise<HandlerResult<C>> | HandlerResult<C>,
  options?: RouteOptions,
) {
  const handler = contractHandler(contract, run);
  return route(contract.permission, async (req, ctx) => handler(req, (await ctx.params) ?? {}, { session: ctx.session }), options);
}
