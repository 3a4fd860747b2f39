/**
 * The single source of who may do what. Every server action and route handler names one
 * permission from this table and checks it on the server (see lib/auth/guard.ts); the UI
 * uses the same table only to hide what a role cannot do.
 */
export const ROLES = ["viewer", "responder", "admin"] as const;
export type Role = (typeof ROLES)[number];

const ALL: readonly Role[] = ROLES;
const RESPONDERS: readonly Role[] = ["responder", "admin"];
const ADMINS: readonly Role[] = ["admin"];

export const PERMISSIONS = {
  /** Read the fleet: registry, shadows, jobs, findings, dashboards. */
  "fleet.read": ALL,
  /** Run fleet-index searches and aggregations. */
  "fleet.search": ALL,
  /** Export lists and search results. */
  "fleet.export": ALL,
  /** Change desired shadow state. */
  "shadow.write": RESPONDERS,
  /** Create and cancel jobs (blocklists). */
  "jobs.write": RESPONDERS,
  /** Suppress audit findings. */
  "findings.suppress": RESPONDERS,
  /** Apply mitigation actions. */
  "mitigations.apply": RESPONDERS,
  /** Add things to a quarantine group. */
  "quarantine.add": RESPONDERS,
  /** Bulk provisioning uploads. */
  "provisioning.bulk": ADMINS,
  /** Create and delete things and groups. */
  "registry.write": ADMINS,
  /** Change the fleet-indexing configuration. */
  "indexing.configure": ADMINS,
  /** Manage console users and their roles. */
  "users.manage": ADMINS,
  /** Browse and export the audit trail. */
  "audit.read": ADMINS,
  /** Delete or change anyone's saved queries (owners manage their own with fleet.search). */
  "queries.manage_any": ADMINS,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/**
 * `null` marks an entry point that is deliberately open to anonymous callers (the
 * sign-in form, the OIDC callback, health checks). It must still be declared, so the
 * authorization-matrix test knows it is open on purpose.
 */
export type Requirement = Permission | "authenticated" | null;

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function can(role: Role | null | undefined, permission: Permission): boolean {
  return !!role && (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Whether a caller with `role` (null = anonymous) meets `requirement`. */
export function allows(requirement: Requirement, role: Role | null | undefined): boolean {
  if (requirement === null) return true;
  if (requirement === "authenticated") return !!role;
  return can(role, requirement);
}
