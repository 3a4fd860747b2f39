import { route } from "@/lib/auth/guard";
import { handleOidcCallback } from "@/lib/auth/oidc";

// Open on purpose: the provider sends the anonymous visitor back here. The request is
// bound to the browser that started the sign-in by the `state` in its transaction cookie.
export const GET = route(null, (req) => handleOidcCallback(req), { crossSiteNavigation: true });
