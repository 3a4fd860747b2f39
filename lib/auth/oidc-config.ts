import { readEnv, type RawEnv } from "@/lib/env";
import { isRole, ROLES, type Role } from "./permissions";

/**
 * Single sign-on through any OpenID Connect provider, configured from the environment:
 *   OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET   the provider and this client
 *   OIDC_ROLE_CLAIM      the claim holding the user's groups (default `groups`)
 *   OIDC_ROLE_MAP        `group=role` pairs, comma-separated, e.g.
 *                        `fleet-admins=admin,soc-responders=responder,soc=viewer`
 *   OIDC_LABEL           the sign-in button's text (default "Single sign-on")
 *   CONSOLE_PUBLIC_URL   the console's external URL (for the redirect URI)
 * A user none of whose groups maps to a role cannot sign in.
 */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  roleClaim: string;
  roleMap: Map<string, Role>;
  label: string;
  scopes: string;
}

export function oidcConfig(source?: RawEnv): OidcConfig | null {
  const env = readEnv(["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ROLE_CLAIM", "OIDC_ROLE_MAP", "OIDC_LABEL", "OIDC_SCOPES"], source);
  if (!env.OIDC_ISSUER || !env.OIDC_CLIENT_ID) return null;
  return {
    issuer: env.OIDC_ISSUER,
    clientId: env.OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET ?? "",
    roleClaim: env.OIDC_ROLE_CLAIM,
    roleMap: parseRoleMap(env.OIDC_ROLE_MAP),
    label: env.OIDC_LABEL,
    scopes: env.OIDC_SCOPES,
  };
}

export function parseRoleMap(text: string): Map<string, Role> {
  const map = new Map<string, Role>();
  for (const pair of text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const i = pair.lastIndexOf("=");
    const group = pair.slice(0, i).trim();
    const role = pair.slice(i + 1).trim();
    if (i <= 0 || !isRole(role)) throw new Error(`OIDC_ROLE_MAP: '${pair}' is not group=role with role one of ${ROLES.join(", ")}`);
    map.set(group, role);
  }
  return map;
}

/** The highest role any of the user's groups maps to, or null. */
export function roleFromClaims(claims: Record<string, unknown>, cfg: Pick<OidcConfig, "roleClaim" | "roleMap">): Role | null {
  const raw = claims[cfg.roleClaim];
  const groups = Array.isArray(raw) ? raw.map(String) : typeof raw === "string" ? raw.split(/[,\s]+/) : [];
  let best: Role | null = null;
  for (const g of groups) {
    const role = cfg.roleMap.get(g);
    if (role && (best === null || ROLES.indexOf(role) > ROLES.indexOf(best))) best = role;
  }
  return best;
}
