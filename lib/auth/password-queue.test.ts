import { describe, expect, it, vi } from "vitest";

/**
 * The process-wide queue in front of scrypt: however many hashes and checks are asked
 * for at once, at most 2 run, at most 32 wait, and the rest are refused at once. scrypt
 * is wrapped to count how many run at the same time and to hold them until released,
 * and made cheap (N=1024) so the test does not spend seconds hashing.
 */
const gate = vi.hoisted(() => ({ inFlight: 0, peak: 0, calls: 0, open: true, held: [] as Array<() => void> }));

vi.mock("node:crypto", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:crypto")>();
  const scrypt = (password: string, salt: Buffer, keylen: number, opts: object, cb: (err: Error | null, key: Buffer) => void) => {
    gate.calls++;
    gate.inFlight++;
    gate.peak = Math.max(gate.peak, gate.inFlight);
    const run = () =>
      real.scrypt(password, salt, keylen, { ...opts, N: 1024 }, (err, key) => {
        gate.inFlight--;
        cb(err, key);
      });
    if (gate.open) run();
    else gate.held.push(run);
  };
  return { ...real, default: { ...real, scrypt }, scrypt };
});

const { hashPassword, verifyPassword, PasswordHashingBusyError } = await import("./password");

function release() {
  gate.open = true;
  for (const run of gate.held.splice(0)) run();
}

describe("password hashing queue", () => {
  it("never runs more than 2 hashes or checks at once, and runs them all", async () => {
    gate.peak = 0;
    const stored = await hashPassword("a password to check");
    const work = Array.from({ length: 30 }, (_, i) =>
      i % 2 ? hashPassword(`password number ${i}`) : verifyPassword(i % 4 ? "wrong one here" : "a password to check", i % 3 ? stored : null),
    );
    const results = await Promise.all(work);
    expect(gate.peak).toBeGreaterThan(0);
    expect(gate.peak).toBeLessThanOrEqual(2);
    expect(results.filter((r) => typeof r === "string")).toHaveLength(15);
  });

  it("refuses at once, with a busy message, what would wait behind 32 others", async () => {
    gate.open = false;
    gate.calls = 0;
    const settled = Array.from({ length: 40 }, (_, i) =>
      hashPassword(`queued password ${i}`).then(
        () => "hashed",
        (err: unknown) => err,
      ),
    );
    // Two are running (held), 32 wait; the last 6 were turned away without reaching scrypt.
    const refused = await Promise.all(settled.slice(34));
    for (const err of refused) {
      expect(err).toBeInstanceOf(PasswordHashingBusyError);
      expect(err).toMatchObject({ code: "throttled", message: "The console is busy checking other passwords. Try again in a few seconds." });
    }
    expect(gate.calls).toBe(2);
    release();
    expect(await Promise.all(settled.slice(0, 34))).toEqual(Array(34).fill("hashed"));
    expect(gate.peak).toBeLessThanOrEqual(2);
  });
});
