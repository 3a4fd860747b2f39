// Where the e2e stack runs: its own ports, so tests never touch a developer's instance.
export const CONSOLE_PORT = Number(process.env.E2E_PORT || 3105);
export const EMULATOR_HTTP_PORT = Number(process.env.E2E_EMULATOR_HTTP_PORT || 4605);
export const EMULATOR_MQTT_PORT = Number(process.env.E2E_EMULATOR_MQTT_PORT || 1905);
export const EMULATOR_URL = `http://127.0.0.1:${EMULATOR_HTTP_PORT}`;
// Its data directory (wiped at each run), overridable so two runs can share a checkout.
export const E2E_DATA_DIR = process.env.E2E_DATA_DIR || ".data-e2e";
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

// A real OpenID Connect provider for sign-in tests (e2e/oidc-provider.ts).
export const OIDC_PORT = Number(process.env.E2E_OIDC_PORT || 4650);
export const OIDC_ISSUER = `http://127.0.0.1:${OIDC_PORT}`;
export const OIDC_CLIENT_ID = "fleet-console";
export const OIDC_CLIENT_SECRET = "e2e-oidc-client-secret";
export const OIDC_ROLE_MAP = "fleet-admins=admin,fleet-responders=responder,fleet-viewers=viewer";
// The first admin of the e2e console (local account).
export const ADMIN_USERNAME = "admin";
export const ADMIN_PASSWORD = "e2e-admin-password-123";
