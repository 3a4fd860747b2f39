import { handleOidcCallback } from "@/lib/auth/oidc";
import { apiRoute } from "@/lib/http/api-route";
import { oidcCallbackRoute } from "../contract";

// Open on purpose: the provider sends the anonymous visitor back here. The request is
// bound to the browser that started the sign-in by the `state` in its transaction cookie.
export const GET = apiRoute(oidcCallbackRoute, ({ req }) => handleOidcCallback(req), { crossSiteNavigation: true });
