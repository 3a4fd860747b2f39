"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { ThemeToggle } from "@/components/theme/theme-toggle";
import { can, type Permission, type Role } from "@/lib/auth/permissions";

type Item = { label: string; permission: Permission; href?: string; hint?: string };

/**
 * Sections in the order of an operator's day; the ones not built yet say so instead of
 * leading to empty pages. Each names the permission it needs and is hidden from roles
 * without it. Hiding is a courtesy: every page and handler checks for itself.
 */
const SECTIONS: Item[] = [
  { label: "Search", permission: "fleet.search", href: "/search" },
  { label: "Things", permission: "fleet.read", href: "/things" },
  { label: "Thing types", permission: "fleet.read", href: "/thing-types" },
  { label: "Groups", permission: "fleet.read", href: "/groups" },
  { label: "Drift", permission: "fleet.read", href: "/drift" },
  { label: "Jobs", permission: "fleet.read", href: "/jobs" },
  { label: "Security", permission: "fleet.read", hint: "Defender audit" },
  { label: "Provisioning", permission: "provisioning.bulk", hint: "Bulk uploads" },
  { label: "Telemetry", permission: "fleet.read", hint: "Dashboards" },
];

const ADMIN: Item[] = [
  { label: "Users", permission: "users.manage", href: "/admin/users" },
  { label: "Audit trail", permission: "audit.read", href: "/admin/audit" },
];

export interface SidebarUser {
  username: string;
  displayName: string | null;
  role: Role;
  /** Local accounts get a link to change their password; single sign-on ones change it at the provider. */
  source?: "local" | "oidc";
}

export function Sidebar({ backendLabel, user }: { backendLabel: string; user: SidebarUser }) {
  const pathname = usePathname();
  const sections = SECTIONS.filter((i) => can(user.role, i.permission));
  const admin = ADMIN.filter((i) => can(user.role, i.permission));
  return (
    <aside className="sticky top-0 flex h-screen w-52 shrink-0 flex-col border-r border-border bg-surface">
      <div className="border-b border-border px-4 py-3">
        <Link href="/things" className="block text-base font-bold tracking-tight text-fg hover:no-underline">
          Fleet Console
        </Link>
        <p className="mt-0.5 truncate text-xs text-muted" title={backendLabel}>
          {backendLabel}
        </p>
      </div>
      <nav aria-label="Sections" className="flex-1 overflow-y-auto py-2">
        <ul>
          {sections.map((item) => (
            <NavItem key={item.label} item={item} pathname={pathname} />
          ))}
        </ul>
        {admin.length > 0 ? (
          <>
            <p id="nav-admin" className="mt-3 px-4 pb-1 text-[11px] font-semibold tracking-wide text-muted uppercase">
              Admin
            </p>
            <ul aria-labelledby="nav-admin">
              {admin.map((item) => (
                <NavItem key={item.label} item={item} pathname={pathname} />
              ))}
            </ul>
          </>
        ) : null}
      </nav>
      <div className="space-y-2 border-t border-border p-3">
        <section aria-label="Signed in" className="flex items-start justify-between gap-2">
          <div className="min-w-0">
            <p className="truncate text-sm font-medium" title={user.displayName ? `${user.displayName} (${user.username})` : user.username}>
              {user.displayName || user.username}
            </p>
            <p className="text-xs text-muted">Role: {user.role}</p>
            {user.source === "local" ? (
              <Link href="/account/password" className="text-xs">
                Change password
              </Link>
            ) : null}
          </div>
          <SignOutButton />
        </section>
        <ThemeToggle />
      </div>
    </aside>
  );
}

function NavItem({ item, pathname }: { item: Item; pathname: string }) {
  if (!item.href) {
    return (
      <li>
        <span
          aria-disabled="true"
          title={`${item.label}: ${item.hint} — coming soon`}
          className="flex cursor-not-allowed items-center justify-between px-4 py-1.5 text-muted/70"
        >
          <span>{item.label}</span>
          <span className="rounded border border-border px-1 text-[10px] uppercase tracking-wide">coming</span>
        </span>
      </li>
    );
  }
  const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
  return (
    <li>
      <Link
        href={item.href}
        aria-current={active ? "page" : undefined}
        className={`block border-l-2 px-4 py-1.5 hover:no-underline ${
          active ? "border-accent bg-surface-2 font-semibold text-fg" : "border-transparent text-fg hover:bg-surface-2"
        }`}
      >
        {item.label}
      </Link>
    </li>
  );
}
