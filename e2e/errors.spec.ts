import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { expect, test } from "@playwright/test";
import { E2E_DATA_DIR } from "./accounts";
import { EMULATOR_URL } from "./stack";

/**
 * The console's answers when the backend misbehaves: AWS throttling (injected into the
 * emulator) and a backend that is down (a second console pointed at a closed port).
 * Each must give a clear message in place, never a crash page.
 */

async function injectFault(fault: Record<string, unknown>) {
  const res = await fetch(`${EMULATOR_URL}/_emulator/faults`, { method: "POST", body: JSON.stringify(fault) });
  expect(res.status).toBe(201);
}
const clearFaults = () => fetch(`${EMULATOR_URL}/_emulator/faults`, { method: "DELETE" });

test.afterEach(async () => {
  await clearFaults();
});

test("throttling by AWS IoT is explained in place, and Retry recovers once it stops", async ({ page }) => {
  await injectFault({ service: "iot", code: "ThrottlingException", method: "GET", pathPrefix: "/things", remaining: 1000 });
  await page.goto("/things");
  const main = page.getByRole("main");
  await expect(
    main
      .getByRole("alert")
      .filter({ hasText: /rate-limiting the console's requests/ })
      .first(),
  ).toBeVisible();

  await clearFaults();
  await main.getByRole("button", { name: /retry/i }).first().click();
  await expect(page.getByRole("table", { name: "Things" }).getByRole("row").nth(1)).toBeVisible();
});

test.describe("with the fleet backend down", () => {
  let server: ChildProcess | undefined;
  let url = "";

  test.beforeAll(async () => {
    const closedPort = await freePort();
    const port = await freePort();
    // The same production build, pointed at a port where nothing listens. It shares the
    // e2e console's store, where sessions live, so the viewer's session (cookies are not
    // bound to a port) signs in here too.
    server = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], {
      env: {
        ...process.env,
        FLEET_BACKEND: "local",
        EMULATOR_HOST: "127.0.0.1",
        EMULATOR_HTTP_PORT: String(closedPort),
        DATA_DIR: E2E_DATA_DIR,
        CONSOLE_DB_PATH: "",
      },
      stdio: "ignore",
    });
    url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        await fetch(url + "/favicon.ico");
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    throw new Error("second console did not start");
  });

  test.afterAll(() => {
    server?.kill("SIGTERM");
  });

  for (const path of ["/things", "/things/agent-x", "/groups", "/thing-types"]) {
    test(`${path} says the backend is unreachable`, async ({ page }) => {
      await page.goto(url + path);
      const main = page.getByRole("main");
      await expect(
        main
          .getByRole("alert")
          .filter({ hasText: /fleet backend is not reachable/ })
          .first(),
      ).toBeVisible();
      // Signed in (not bounced to sign-in), and the navigation stays usable: a message in place, not a crash page.
      await expect(page).toHaveURL(url + path);
      await expect(page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Things", exact: true })).toBeVisible();
    });
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
