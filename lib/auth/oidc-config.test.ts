import { describe, expect, it } from "vitest";
import { oidcConfig, parseRoleMap, roleFromClaims } from "./oidc-config";

// Next's types make NODE_ENV required; these tests pass only what they mean.
const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;
const map = (text: string) => ({ roleClaim: "groups", roleMap: parseRoleMap(text) });
const STANDARD = map("fleet-admins=admin,fleet-responders=responder,fleet-viewers=viewer");

describe("oidcConfig", () => {
  it("is off unless both the issuer and the client id are set", () => {
    expect(oidcConfig(env({}))).toBeNull();
    expect(oidcConfig(env({ OIDC_ISSUER: "https://idp.example.com" }))).toBeNull();
    expect(oidcConfig(env({ OIDC_CLIENT_ID: "console" }))).toBeNull();
  });

  it("fills in defaults for the optional settings", () => {
    const cfg = oidcConfig(env({ OIDC_ISSUER: "https://idp.example.com", OIDC_CLIENT_ID: "console" }))!;
    expect(cfg).toMatchObject({
      issuer: "https://idp.example.com",
      clientId: "console",
      clientSecret: "",
      roleClaim: "groups",
      label: "Single sign-on",
      scopes: "openid profile email",
    });
    expect(cfg.roleMap.size).toBe(0);
  });

  it("reads every setting from the environment", () => {
    const cfg = oidcConfig(
      env({
        OIDC_ISSUER: "https://idp.example.com/realms/ops",
        OIDC_CLIENT_ID: "console",
        OIDC_CLIENT_SECRET: "s3cret",
        OIDC_ROLE_CLAIM: "roles",
        OIDC_ROLE_MAP: "ops=admin",
        OIDC_LABEL: "Okta",
        OIDC_SCOPES: "openid groups",
      }),
    )!;
    expect(cfg).toMatchObject({ clientSecret: "s3cret", roleClaim: "roles", label: "Okta", scopes: "openid groups" });
    expect([...cfg.roleMap]).toEqual([["ops", "admin"]]);
  });

  it("refuses to start with a role map it cannot read", () => {
    expect(() => oidcConfig(env({ OIDC_ISSUER: "https://idp.example.com", OIDC_CLIENT_ID: "c", OIDC_ROLE_MAP: "ops=root" }))).toThrow(/OIDC_ROLE_MAP/);
  });
});

describe("parseRoleMap", () => {
  it("reads group=role pairs, ignoring blanks and spaces around them", () => {
    expect([...parseRoleMap(" a = admin , ,b=viewer,")]).toEqual([
      ["a", "admin"],
      ["b", "viewer"],
    ]);
    expect(parseRoleMap("").size).toBe(0);
  });

  it("splits on the last '=' so group names may contain one", () => {
    expect(parseRoleMap("cn=ops=responder").get("cn=ops")).toBe("responder");
  });

  it("refuses, rather than misreads, a group name with a comma (a full LDAP DN)", () => {
    expect(() => parseRoleMap("cn=ops,ou=groups=responder")).toThrow(/'cn=ops' is not group=role/);
  });

  it("lets a later pair for the same group win", () => {
    expect(parseRoleMap("g=viewer,g=admin").get("g")).toBe("admin");
  });

  it.each(["admins", "=admin", "admins=", "admins=superuser", "admins=Admin"])("rejects %j", (text) => {
    expect(() => parseRoleMap(text)).toThrow(/OIDC_ROLE_MAP: .* is not group=role with role one of viewer, responder, admin/);
  });
});

describe("roleFromClaims", () => {
  it("maps each configured group to its role", () => {
    expect(roleFromClaims({ groups: ["fleet-admins"] }, STANDARD)).toBe("admin");
    expect(roleFromClaims({ groups: ["fleet-responders"] }, STANDARD)).toBe("responder");
    expect(roleFromClaims({ groups: ["fleet-viewers"] }, STANDARD)).toBe("viewer");
  });

  it("takes the highest role when several groups match, whatever their order", () => {
    expect(roleFromClaims({ groups: ["fleet-viewers", "fleet-admins", "fleet-responders"] }, STANDARD)).toBe("admin");
    expect(roleFromClaims({ groups: ["fleet-responders", "fleet-viewers"] }, STANDARD)).toBe("responder");
    expect(roleFromClaims({ groups: ["marketing", "fleet-viewers"] }, STANDARD)).toBe("viewer");
  });

  it("gives no role without a matching group", () => {
    expect(roleFromClaims({ groups: ["marketing"] }, STANDARD)).toBeNull();
    expect(roleFromClaims({ groups: [] }, STANDARD)).toBeNull();
    expect(roleFromClaims({}, STANDARD)).toBeNull();
    expect(roleFromClaims({ groups: null }, STANDARD)).toBeNull();
    expect(roleFromClaims({ groups: { "fleet-admins": true } }, STANDARD)).toBeNull();
    expect(roleFromClaims({ groups: 42 }, STANDARD)).toBeNull();
    expect(roleFromClaims({ groups: ["fleet-admins"] }, map(""))).toBeNull();
  });

  it("matches group names exactly: case, prefixes and surrounding text count", () => {
    expect(roleFromClaims({ groups: ["Fleet-Admins"] }, STANDARD)).toBeNull();
    expect(roleFromClaims({ groups: ["fleet-admins-old"] }, STANDARD)).toBeNull();
    expect(roleFromClaims({ groups: ["/fleet-admins"] }, STANDARD)).toBeNull();
    expect(roleFromClaims({ groups: [" fleet-admins"] }, STANDARD)).toBeNull();
  });

  it("accepts a single string claim separated by commas or spaces", () => {
    expect(roleFromClaims({ groups: "fleet-admins" }, STANDARD)).toBe("admin");
    expect(roleFromClaims({ groups: "marketing, fleet-responders" }, STANDARD)).toBe("responder");
    expect(roleFromClaims({ groups: "marketing fleet-viewers" }, STANDARD)).toBe("viewer");
    expect(roleFromClaims({ groups: "" }, STANDARD)).toBeNull();
  });

  it("compares non-string array entries by their text", () => {
    expect(roleFromClaims({ groups: [1001, "x"] }, map("1001=responder"))).toBe("responder");
  });

  it("reads the configured claim and no other", () => {
    const cfg = { roleClaim: "roles", roleMap: parseRoleMap("fleet-admins=admin") };
    expect(roleFromClaims({ roles: ["fleet-admins"] }, cfg)).toBe("admin");
    expect(roleFromClaims({ groups: ["fleet-admins"] }, cfg)).toBeNull();
  });

  it("does not fall for inherited properties", () => {
    const cfg = { roleClaim: "groups", roleMap: parseRoleMap("constructor=admin,toString=admin") };
    expect(roleFromClaims({ groups: ["__proto__", "hasOwnProperty"] }, cfg)).toBeNull();
    expect(roleFromClaims({}, { roleClaim: "constructor", roleMap: STANDARD.roleMap })).toBeNull();
  });
});
