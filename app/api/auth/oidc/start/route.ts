import { route } from "@/lib/auth/guard";
import { handleOidcStart } from "@/lib/auth/oidc";

// Open on purpose: this is how an anonymous visitor begins single sign-on.
export const GET = route(null, (req) => handleOidcStart(req), { crossSiteNavigation: true });
