import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Waits until the simulator has recorded a finished seeding of at least `size` things in
 * its marker file (DATA_DIR/simulator.json).
 */
export async function waitForFleetSeeded(dataDir: string, size: number, timeoutMs: number): Promise<void> {
  const file = join(dataDir, "simulator.json");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(file)) {
      try {
        const marker = JSON.parse(readFileSync(file, "utf8")) as { fleetSize?: number };
        if ((marker.fleetSize ?? 0) >= size) return;
      } catch {
        /* being written */
      }
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the simulated fleet was not seeded within ${timeoutMs} ms`);
}
