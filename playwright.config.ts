import { defineConfig, devices } from "@playwright/test";

import { CHROMIUM_ARGS, CONSOLE_PORT as PORT, EMULATOR_HTTP_PORT, EMULATOR_MQTT_PORT } from "./e2e/stack";

// The whole stack on its own ports and data directory, seeded afresh for each run, so
// tests never touch a developer's running instance or its data.

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: {
    command: "node --import tsx scripts/start.ts --reset-data --wait-for-fleet",
    url: `http://127.0.0.1:${PORT}/things`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      FLEET_BACKEND: "local",
      PORT: String(PORT),
      EMULATOR_HTTP_PORT: String(EMULATOR_HTTP_PORT),
      EMULATOR_MQTT_PORT: String(EMULATOR_MQTT_PORT),
      DATA_DIR: ".data-e2e",
      FLEET_SIZE: "200",
      FLEET_CHURN_PERCENT: "2",
    },
  },
});
