// Where the e2e stack runs: its own ports, so tests never touch a developer's instance.
export const CONSOLE_PORT = Number(process.env.E2E_PORT || 3105);
export const EMULATOR_HTTP_PORT = Number(process.env.E2E_EMULATOR_HTTP_PORT || 4605);
export const EMULATOR_MQTT_PORT = Number(process.env.E2E_EMULATOR_MQTT_PORT || 1905);
export const EMULATOR_URL = `http://127.0.0.1:${EMULATOR_HTTP_PORT}`;
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
