/**
 * The child process of tests/console-store-crash.test.ts: writes to the console store
 * (CONSOLE_DB_PATH) through the real lib functions, several writers at once, and prints
 * one line per write only after the function has returned: `ack <kind> <key>`. The test
 * SIGKILLs this process mid-flight and then looks for every acknowledged write.
 *
 * Usage: node --import tsx tests/support/console-store-writer.ts <prefix>
 */
import { recordAudit } from "@/lib/audit/audit";
import { createSession, sessionPolicy } from "@/lib/auth/sessions";
import { createLocalUser } from "@/lib/auth/users";
import { consoleDb } from "@/lib/db/console-db";
import { upsertSavedQuery } from "@/lib/fleet-search/saved-queries";

const prefix = process.argv[2] ?? "w";
const PASSWORD = "crash-test-passphrase-7Qk2";
const db = consoleDb();
const policy = sessionPolicy();

// stdout to a pipe is synchronous on Linux: once write() returns the line is the parent's.
const ack = (kind: string, key: string) => process.stdout.write(`ack ${kind} ${key}\n`);
const yieldToOthers = () => new Promise<void>((r) => setImmediate(r));

const owner = await createLocalUser(db, { username: `${prefix}-owner`, password: PASSWORD, role: "responder" });
process.stdout.write("ready\n");

async function users(lane: number) {
  for (let i = 0; ; i++) {
    const username = `${prefix}-u${lane}-${i}`;
    await createLocalUser(db, { username, password: PASSWORD, role: "viewer" });
    ack("user", username);
  }
}

async function audit() {
  for (let i = 0; ; i++) {
    const target = `${prefix}-a-${i}`;
    recordAudit(db, { actor: owner.username, role: "responder", action: "crash.test", target, params: { i }, result: "success", ip: "127.0.0.1" });
    ack("audit", target);
    await yieldToOthers();
  }
}

async function queries() {
  for (let i = 0; ; i++) {
    const saved = upsertSavedQuery(db, owner.username, {
      name: `${prefix}-q-${i}`,
      query: `thingName:crash-${i}*`,
      columns: ["thingName"],
      shared: i % 2 === 0,
    });
    ack("query", saved.id);
    await yieldToOthers();
  }
}

async function sessions() {
  for (;;) {
    const { token } = createSession(db, owner.id, owner.role, { ip: "127.0.0.1", userAgent: "crash-test" }, policy);
    ack("session", token);
    await yieldToOthers();
  }
}

await Promise.all([users(0), users(1), audit(), queries(), sessions()]);
