import { handleOidcStart } from "@/lib/auth/oidc";
import { apiRoute } from "@/lib/http/api-route";
import { oidcStartRoute } from "../contract";

// Open on purpose: this is how an anonymous visitor begins single sign-on.
export const GET = apiRoute(oidcStartRoute, ({ req }) => handleOidcStart(req), { crossSiteNavigation: true });
