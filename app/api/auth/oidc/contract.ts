import { defineRoute } from "@/lib/http/contract";

/**
 * The single sign-on routes. Open on purpose (permission null): an anonymous visitor
 * begins there and the provider sends them back. Their parameters (`next`, `code`,
 * `state`) are read and checked by lib/auth/oidc.ts against the sign-in transaction.
 */
export const oidcStartRoute = defineRoute<never>()({ path: "/api/auth/oidc/start", permission: null });
export const oidcCallbackRoute = defineRoute<never>()({ path: "/api/auth/oidc/callback", permission: null });
