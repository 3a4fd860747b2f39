import { defineConfig, devices } from "@playwright/test";

import { storageStatePath } from "./e2e/accounts";
import {
  ADMIN_PASSWORD,
  ADMIN_USERNAME,
  CHROMIUM_ARGS,
  CONSOLE_PORT as PORT,
  E2E_DATA_DIR,
  EMULATOR_HTTP_PORT,
  EMULATOR_MQTT_PORT,
  OIDC_CLIENT_ID,
  OIDC_CLIENT_SECRET,
  OIDC_ISSUER,
  OIDC_ROLE_MAP,
} from "./e2e/stack";

// The whole stack on its own ports and data directory, seeded afresh for each run, so
// tests never touch a developer's running instance or its data. The `setup` project
// creates an account per role and signs each in (e2e/auth.setup.ts); specs then run
// signed in as a viewer unless they choose another role or none.

const CONSOLE_URL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: "e2e",
  // Playwright empties its output directory at start: a run on its own data directory gets its own.
  outputDir: E2E_DATA_DIR === ".data-e2e" ? "test-results" : `${E2E_DATA_DIR}-results`,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  use: {
    baseURL: CONSOLE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
    },
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts$/, use: { ...devices["Desktop Chrome"], channel: undefined } },
    {
      name: "chromium",
      use: { ...devices["Desktop Chrome"], channel: undefined, storageState: storageStatePath("viewer") },
      dependencies: ["setup"],
    },
  ],
  // One entry per process the specs need (the OIDC provider joins this list).
  webServer: [
    {
      // A real OpenID Connect provider for the single sign-on specs.
      command: "node --import tsx e2e/oidc-provider.ts",
      url: `${OIDC_ISSUER}/.well-known/openid-configuration`,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: "node --import tsx scripts/start.ts --reset-data --wait-for-fleet",
      // The sign-in page answers 200 without a session; every other page redirects to it.
      url: `${CONSOLE_URL}/sign-in`,
      timeout: 300_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        FLEET_BACKEND: "local",
        PORT: String(PORT),
        EMULATOR_HTTP_PORT: String(EMULATOR_HTTP_PORT),
        EMULATOR_MQTT_PORT: String(EMULATOR_MQTT_PORT),
        DATA_DIR: E2E_DATA_DIR,
        FLEET_SIZE: "200",
        FLEET_CHURN_PERCENT: "2",
        // The first admin, created at first start of the (freshly reset) store.
        ADMIN_USERNAME,
        ADMIN_PASSWORD,
        CONSOLE_PUBLIC_URL: CONSOLE_URL,
        OIDC_ISSUER,
        OIDC_CLIENT_ID,
        OIDC_CLIENT_SECRET,
        OIDC_ROLE_MAP,
      },
    },
  ],
});
