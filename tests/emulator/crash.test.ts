import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AddThingToThingGroupCommand,
  CreateKeysAndCertificateCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  IoTClient,
  ListCertificatesCommand,
  ListThingGroupsCommand,
  ListThingsCommand,
  ListThingsInThingGroupCommand,
  UpdateThingCommand,
} from "@aws-sdk/client-iot";
import { GetThingShadowCommand, IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { spawnEmulator, type EmulatorProcess } from "../../scripts/lib/emulator-process";

/**
 * Nothing acknowledged is lost when the emulator is killed (SIGKILL: no shutdown handler
 * runs, as in an OOM kill or a power cut). 24 writers, each sequential over its own
 * things, run CreateThing, UpdateThing, UpdateThingShadow, CreateThingGroup +
 * AddThingToThingGroup and CreateKeysAndCertificate against an emulator in its own
 * process; it is killed mid-stream, restarted on the same data directory, and every
 * write that was answered with success must be there, none rolled back to an older
 * version. Six kill cycles, each on the state the last restart recovered: a loss window
 * of a few milliseconds per batch (the old answer-then-commit store) shows within them.
 */

const WRITERS = 24;
const dataDir = mkdtempSync(join(tmpdir(), "emu-crash-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** What the emulator acknowledged; a request in flight at the kill may or may not have landed. */
interface Acked {
  things: Map<string, { version: number; attributes: Record<string, string>; inFlight?: Record<string, string> }>;
  shadows: Map<string, number>;
  groups: Map<string, string | undefined>;
  certificates: Set<string>;
}

function clients(emu: EmulatorProcess) {
  const cfg = { endpoint: emu.endpoint, region: "us-east-1", credentials: { accessKeyId: "crash", secretAccessKey: "crash" }, maxAttempts: 1 };
  return { iot: new IoTClient(cfg), data: new IoTDataPlaneClient(cfg) };
}

async function writer(w: number, round: number, emu: EmulatorProcess, acked: Acked, stop: { now: boolean }): Promise<void> {
  const { iot, data } = clients(emu);
  const shadowThing = `w${w}-r${round}-0`;
  let last: string | undefined;
  try {
    for (let i = 0; !stop.now; i++) {
      // Key generation is slow (RSA 2048): certificates only now and then.
      const op = i === 0 ? 0 : i % 6 === 4 && i % 30 !== 4 ? 0 : i % 6;
      if (op === 0 || op === 5) {
        const name = `w${w}-r${round}-${i}`;
        const attributes = { writer: String(w), step: String(i) };
        await iot.send(new CreateThingCommand({ thingName: name, attributePayload: { attributes } }));
        acked.things.set(name, { version: 1, attributes });
        last = name;
      } else if (op === 1 && last) {
        const t = acked.things.get(last)!;
        const attributes = { writer: String(w), step: String(i), updated: "yes" };
        t.inFlight = attributes;
        await iot.send(new UpdateThingCommand({ thingName: last, expectedVersion: t.version, attributePayload: { attributes, merge: false } }));
        acked.things.set(last, { version: t.version + 1, attributes });
      } else if (op === 2) {
        const payload = new TextEncoder().encode(JSON.stringify({ state: { reported: { step: i } } }));
        const out = await data.send(new UpdateThingShadowCommand({ thingName: shadowThing, payload }));
        acked.shadows.set(shadowThing, JSON.parse(new TextDecoder().decode(out.payload)).version);
      } else if (op === 3 && last) {
        const group = `g-w${w}-r${round}-${i}`;
        await iot.send(new CreateThingGroupCommand({ thingGroupName: group }));
        acked.groups.set(group, undefined);
        await iot.send(new AddThingToThingGroupCommand({ thingGroupName: group, thingName: last }));
        acked.groups.set(group, last);
      } else if (op === 4) {
        const cert = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
        acked.certificates.add(cert.certificateId!);
      }
    }
  } catch {
    // The kill: the request in flight fails, and this writer is done.
  } finally {
    iot.destroy();
    data.destroy();
  }
}

async function runAndKill(round: number, acked: Acked): Promise<void> {
  const emu = await spawnEmulator(dataDir);
  const stop = { now: false };
  const writers = Array.from({ length: WRITERS }, (_, w) => writer(w, round, emu, acked, stop));
  // Kill once a good number of writes were acknowledged (at most 8 s in).
  const started = Date.now();
  const baseline = acked.things.size;
  while (acked.things.size - baseline < 150 && Date.now() - started < 8000) await new Promise((r) => setTimeout(r, 50));
  await emu.kill();
  stop.now = true;
  await Promise.all(writers);
}

async function listAll<T>(page: (token?: string) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const r = await page(token);
    all.push(...r.items);
    token = r.next;
  } while (token);
  return all;
}

async function verify(acked: Acked): Promise<string[]> {
  const emu = await spawnEmulator(dataDir);
  const { iot, data } = clients(emu);
  const problems: string[] = [];
  try {
    const things = new Map(
      (
        await listAll((t) => iot.send(new ListThingsCommand({ maxResults: 250, nextToken: t })).then((r) => ({ items: r.things ?? [], next: r.nextToken })))
      ).map((t) => [t.thingName!, t]),
    );
    for (const [name, want] of acked.things) {
      const got = things.get(name);
      if (!got) {
        problems.push(`thing ${name} lost`);
        continue;
      }
      if ((got.version ?? 0) < want.version) problems.push(`thing ${name} rolled back to version ${got.version} (acknowledged ${want.version})`);
      const same = (a: Record<string, string> | undefined) => a !== undefined && JSON.stringify(a) === JSON.stringify(got.attributes ?? {});
      if (!same(want.attributes) && !same(want.inFlight))
        problems.push(`thing ${name} attributes ${JSON.stringify(got.attributes)}, acknowledged ${JSON.stringify(want.attributes)}`);
    }
    for (const [name, version] of acked.shadows) {
      const out = await data.send(new GetThingShadowCommand({ thingName: name })).catch(() => undefined);
      const got = out ? JSON.parse(new TextDecoder().decode(out.payload)).version : undefined;
      if (got === undefined || got < version) problems.push(`shadow of ${name} at version ${got}, acknowledged ${version}`);
    }
    const groups = new Set(
      (
        await listAll((t) =>
          iot.send(new ListThingGroupsCommand({ maxResults: 250, nextToken: t })).then((r) => ({ items: r.thingGroups ?? [], next: r.nextToken })),
        )
      ).map((g) => g.groupName!),
    );
    for (const [group, member] of acked.groups) {
      if (!groups.has(group)) {
        problems.push(`group ${group} lost`);
        continue;
      }
      if (member) {
        const inGroup = await iot.send(new ListThingsInThingGroupCommand({ thingGroupName: group }));
        if (!inGroup.things?.includes(member)) problems.push(`${member} is no longer in ${group}`);
      }
    }
    const certs = new Set(
      (
        await listAll((t) =>
          iot.send(new ListCertificatesCommand({ pageSize: 250, marker: t })).then((r) => ({ items: r.certificates ?? [], next: r.nextMarker })),
        )
      ).map((c) => c.certificateId!),
    );
    for (const id of acked.certificates) if (!certs.has(id)) problems.push(`certificate ${id} lost`);
  } finally {
    iot.destroy();
    data.destroy();
    await emu.stop();
  }
  return problems;
}

describe("the emulator after SIGKILL", () => {
  it("keeps every acknowledged write, and rolls none back, through six kills", async () => {
    const acked: Acked = { things: new Map(), shadows: new Map(), groups: new Map(), certificates: new Set() };
    for (const round of [1, 2, 3, 4, 5, 6]) {
      await runAndKill(round, acked);
      // Enough happened for the check to mean something.
      expect(acked.things.size).toBeGreaterThan(round * 50);
      expect(acked.shadows.size).toBeGreaterThan(0);
      expect(acked.groups.size).toBeGreaterThan(0);
      expect(acked.certificates.size).toBeGreaterThan(0);
      const problems = await verify(acked);
      expect(problems.slice(0, 20), `${problems.length} problems after kill ${round}`).toEqual([]);
    }
  }, 240_000);
});
