import { expect, test as setup } from "@playwright/test";
import { ACCOUNTS, ensureAccount, storageStatePath, submitSignIn, type E2eRole } from "./accounts";

/**
 * Runs before the specs (the `setup` project): creates the viewer and responder accounts
 * with the CLI, the way an operator would, then signs each role in through the real form
 * and saves the browser state, so specs start signed in (`test.use({ storageState })`).
 */
const ROLES: E2eRole[] = ["viewer", "responder", "admin"];

setup.beforeAll(() => {
  ensureAccount(ACCOUNTS.viewer.username, ACCOUNTS.viewer.password, "viewer");
  ensureAccount(ACCOUNTS.responder.username, ACCOUNTS.responder.password, "responder");
});

for (const role of ROLES) {
  setup(`sign in as ${role}`, async ({ page }) => {
    await page.goto("/sign-in");
    await submitSignIn(page, ACCOUNTS[role].username, ACCOUNTS[role].password);
    await expect(page).toHaveURL(/\/things$/);
    await expect(page.getByRole("region", { name: "Signed in" })).toContainText(`Role: ${role}`);
    await page.context().storageState({ path: storageStatePath(role) });
  });
}
