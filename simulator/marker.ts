import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { ensurePrivateDir, PRIVATE_FILE_MODE } from "../lib/fs/private-files";
import { join } from "node:path";

/**
 * DATA_DIR/simulator.json: what has been seeded. `fleetSize` counts only completed
 * seeding (other tools wait on it); `seeding` is set while a run is under way, so a run
 * cut short is resumed carefully next time.
 */
export interface SeedMarker {
  seed: number;
  fleetSize: number;
  seededAt?: string;
  seeding?: { target: number; startedAt: string };
}

export function markerPath(dataDir: string): string {
  return join(dataDir, "simulator.json");
}

export function readMarker(dataDir: string): SeedMarker | undefined {
  const file = markerPath(dataDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as SeedMarker;
}

export function writeMarker(dataDir: string, marker: SeedMarker): void {
  ensurePrivateDir(dataDir);
  const file = markerPath(dataDir);
  // Write then rename, so a reader never sees half a file.
  writeFileSync(file + ".tmp", JSON.stringify(marker, null, 2) + "\n", { mode: PRIVATE_FILE_MODE });
  renameSync(file + ".tmp", file);
}

/** What the agents need to know of each seeded thing. */
export interface SeededThing {
  name: string;
  /** Position in the plan: drives the agent's own random choices. */
  index: number;
  /** False for things that stay offline (switched off, or an unusable certificate). */
  connects: boolean;
}

/**
 * DATA_DIR/simulator-things.json: the things actually seeded, so the agents run the fleet
 * that is in the registry even if the planning code changed since it was seeded.
 */
export function readSeededThings(dataDir: string): SeededThing[] | undefined {
  const file = join(dataDir, "simulator-things.json");
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as SeededThing[];
}

export function writeSeededThings(dataDir: string, things: SeededThing[]): void {
  const file = join(dataDir, "simulator-things.json");
  writeFileSync(file + ".tmp", JSON.stringify(things), { mode: PRIVATE_FILE_MODE });
  renameSync(file + ".tmp", file);
}
