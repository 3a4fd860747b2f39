/**
 * Runs once when a console server starts, before it serves requests. Node.js only: the
 * store is SQLite through a native module.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Build workers load this file too; the store belongs to the running server only.
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { consoleDb } = await import("./lib/db/console-db");
  const { ensureFirstAdmin } = await import("./lib/auth/first-admin");
  await ensureFirstAdmin(consoleDb());
}
