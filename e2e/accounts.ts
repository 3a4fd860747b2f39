import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { expect, type Page } from "@playwright/test";
import { ADMIN_PASSWORD, ADMIN_USERNAME, E2E_DATA_DIR } from "./stack";

/**
 * The e2e console's local accounts: the first admin (created by the console at start from
 * ADMIN_USERNAME/ADMIN_PASSWORD) and one account per other role, created by e2e/auth.setup.ts
 * with `npm run users`. Specs run signed in as one of them through a saved storage state.
 */
export type E2eRole = "viewer" | "responder" | "admin";

export const ACCOUNTS: Record<E2eRole, { username: string; password: string }> = {
  viewer: { username: "e2e-viewer", password: "e2e-viewer-password-1" },
  responder: { username: "e2e-responder", password: "e2e-responder-password-1" },
  admin: { username: ADMIN_USERNAME, password: ADMIN_PASSWORD },
};

/** The data directory of the e2e stack (playwright.config.ts): the console's store is in it. */
export { E2E_DATA_DIR };

/** Signed-in browser state per role, written by the setup project (gitignored). */
export const storageStatePath = (role: E2eRole) =>
  // A run on its own data directory (E2E_DATA_DIR) keeps its own sessions too.
  join(import.meta.dirname, ".auth", ...(E2E_DATA_DIR === ".data-e2e" ? [] : [E2E_DATA_DIR.replace(/[^\w.-]/g, "_")]), `${role}.json`);

/** `npm run users -- …` against the e2e console's store; returns stdout, throws with stderr on a non-zero exit. */
export function usersCli(...args: string[]): string {
  return execFileSync(process.execPath, ["--import", "tsx", "scripts/users.ts", ...args], {
    env: { ...process.env, DATA_DIR: E2E_DATA_DIR, CONSOLE_DB_PATH: "" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Creates a local account, or resets its password and role if it is already there (a re-run). */
export function ensureAccount(username: string, password: string, role: E2eRole): void {
  try {
    usersCli("add", username, "--role", role, "--password", password);
  } catch (err) {
    if (!String((err as { stderr?: string }).stderr).includes("already exists")) throw err;
    usersCli("reset-password", username, "--password", password);
    usersCli("set-role", username, role);
    usersCli("enable", username);
  }
}

/** Fills in the sign-in form on the current page (which must be the sign-in page) and submits it. */
export async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await expect(page.getByRole("heading", { name: "Sign in", level: 1 })).toBeVisible();
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}
