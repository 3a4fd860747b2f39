import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

/**
 * The emulator in a child process of its own, as `npm start` runs it: for figures that
 * must not share an event loop with the load generator, and for crash tests that
 * SIGKILL it. It listens on free ports and says where on its first line.
 */
export interface EmulatorProcess {
  child: ChildProcess;
  endpoint: string;
  mqttUrl: string;
  /** Lines it printed on stderr (for a failing test's message). */
  stderr: string[];
  /** SIGKILL: no shutdown handler runs, as in a power cut or an OOM kill. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<void>;
}

const ROOT = join(import.meta.dirname, "..", "..");
const READY = /AWS IoT endpoint (http:\/\/[^\s,]+),? MQTT (mqtt:\/\/[^\s,]+)/;

export async function spawnEmulator(dataDir: string, env: Record<string, string> = {}): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "emulator/main.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      EMULATOR_HTTP_PORT: "0",
      EMULATOR_MQTT_PORT: "0",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr!.setEncoding("utf8").on("data", (s: string) => stderr.push(s));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const { endpoint, mqttUrl } = await new Promise<{ endpoint: string; mqttUrl: string }>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`emulator did not start within 30 s: ${stderr.join("")}`)), 30_000);
    child.stdout!.setEncoding("utf8").on("data", (s: string) => {
      out += s;
      const m = READY.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ endpoint: m[1], mqttUrl: m[2] });
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited (${signal ?? code}) before it was ready: ${stderr.join("")}`));
    });
  });
  return {
    child,
    endpoint,
    mqttUrl,
    stderr,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
