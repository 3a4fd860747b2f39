import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Panel } from "@/components/ui/panel";
import { TimeAgo } from "@/components/ui/time-ago";
import { requirePage } from "@/lib/auth/guard";
import { accountKey, lockedAccounts, signinLimits, type AccountLock } from "@/lib/auth/signin-limits";
import { listUsers } from "@/lib/auth/users";
import { consoleDb } from "@/lib/db/console-db";
import { formatUtc, formatUtcDate } from "@/lib/format/time";
import { CreateUserForm } from "./create-user-form";
import { UserActions } from "./user-actions";

export const metadata: Metadata = { title: "Users" };

/** Console users and their roles. Every change goes through a server action that checks the caller again and is audited. */
export default async function UsersPage() {
  const session = await requirePage("users.manage");
  const db = consoleDb();
  const users = listUsers(db);
  const locks = lockedAccounts(db, signinLimits());

  return (
    <div className="space-y-3">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-bold">Users</h1>
        <p className="text-sm text-muted">
          Viewers read, search and export; responders also act on devices; admins also provision, change the registry and manage users
        </p>
      </header>

      <Panel title="Add a local user" id="add-user">
        <CreateUserForm />
      </Panel>

      <div className="overflow-x-auto rounded border border-border bg-surface">
        <table className="data-table" aria-label="Users">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Source</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Manage</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => {
              const self = u.id === session.userId;
              const lock = u.source === "local" ? (locks.get(accountKey(u.username)) ?? null) : null;
              return (
                <tr key={u.id} data-username={u.username}>
                  <td>
                    <span className="font-mono text-[13px] font-semibold">{u.username}</span>
                    {self ? <span className="ml-2 text-xs text-muted">(you)</span> : null}
                    {u.displayName ? <span className="block text-xs text-muted">{u.displayName}</span> : null}
                  </td>
                  <td>{u.role}</td>
                  <td>{u.source === "oidc" ? "single sign-on" : "local"}</td>
                  <td>
                    <span className="flex flex-wrap gap-1">
                      {u.disabled ? <Badge tone="bad">disabled</Badge> : <Badge tone="ok">active</Badge>}
                      {lock ? <Badge tone="warn">sign-in locked</Badge> : null}
                    </span>
                    {lock ? <LockDetails lock={lock} /> : null}
                    {u.mustChangePassword ? <span className="mt-0.5 block text-xs text-muted">temporary password: sets their own at next sign-in</span> : null}
                  </td>
                  <td className="whitespace-nowrap" title={formatUtc(u.createdAtMs)}>
                    {formatUtcDate(u.createdAtMs)}
                  </td>
                  <td className="whitespace-nowrap">{u.lastLoginAtMs ? <TimeAgo at={u.lastLoginAtMs} /> : <span className="text-muted">never</span>}</td>
                  <td>
                    <UserActions user={{ username: u.username, role: u.role, source: u.source, disabled: u.disabled, locked: lock !== null }} self={self} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** Why and until when sign-in is refused, so the admin knows whether Unlock is what the user needs. */
function LockDetails({ lock }: { lock: AccountLock }) {
  const where = lock.ceiling ? "new addresses" : lock.addresses === 1 ? "the address that failed" : "addresses that failed";
  const attempts = `${lock.failures} failed sign-${lock.failures === 1 ? "in" : "ins"}${lock.addresses > 1 ? ` from ${lock.addresses} addresses` : ""}`;
  return (
    <span
      data-testid="lock-details"
      className="mt-0.5 block max-w-64 text-xs text-muted"
      title="New addresses: any this user has not signed in from in the last 90 days. Their usual addresses are only held back by their own failures. Unlock, or a password reset, lets them try again at once."
    >
      Refused from {where} until <span className="whitespace-nowrap font-mono">{formatUtc(lock.untilMs)}</span>, after {attempts}. Unlock lets them in now.
    </span>
  );
}
