import { loadEnv } from "./lib/env";

/**
 * Runs once when a console server starts, before it serves requests. Node.js only: the
 * store is SQLite through a native module.
 */
export async function register() {
  // Next replaces `process.env.NEXT_RUNTIME` at build time (it is not set at run time), which
  // also keeps the Node-only code below out of the Edge bundle: it must stay literal here.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Build workers load this file too; the store belongs to the running server only.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  // Every variable at once: a bad value stops the server before it serves anything.
  const env = loadEnv();
  // Plain `next start` cannot see client addresses: all clients would share one sign-in limit.
  const { missingPeerAddressWarning } = await import("./lib/http/forwarded");
  const warning = missingPeerAddressWarning();
  if (warning) console.warn(`\n${"!".repeat(80)}\n${warning}\n${"!".repeat(80)}\n`);
  // The data directory holds password hashes and the audit trail: owner-only, also for
  // anything this process writes there later, and for a directory an earlier version made.
  process.umask(0o077);
  const { tightenTree } = await import("./lib/fs/private-files");
  const { resolve } = await import("node:path");
  tightenTree(resolve(env.DATA_DIR));
  const { consoleDb } = await import("./lib/db/console-db");
  const { ensureFirstAdmin } = await import("./lib/auth/first-admin");
  await ensureFirstAdmin(consoleDb());
}
