import { defineConfig, devices } from "@playwright/test";

// The whole stack on its own ports and data directory, seeded afresh for each run, so
// tests never touch a developer's running instance or its data.
const PORT = Number(process.env.E2E_PORT || 3105);
const EMULATOR_HTTP_PORT = Number(process.env.E2E_EMULATOR_HTTP_PORT || 4605);
const EMULATOR_MQTT_PORT = Number(process.env.E2E_EMULATOR_MQTT_PORT || 1905);
export const E2E_EMULATOR = `http://127.0.0.1:${EMULATOR_HTTP_PORT}`;

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
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
