import { describe, expect, it } from "vitest";
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from "./password";

describe("password hashing (scrypt)", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(hash).not.toContain("correct horse");
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("correct horse batterY", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  it("salts every hash", async () => {
    const [a, b] = await Promise.all([hashPassword("same password here"), hashPassword("same password here")]);
    expect(a).not.toBe(b);
    expect(await verifyPassword("same password here", a)).toBe(true);
    expect(await verifyPassword("same password here", b)).toBe(true);
  });

  it("treats Unicode forms of the same text as the same password (NFKC)", async () => {
    const hash = await hashPassword("caf\u00e9 au lait!!");
    expect(await verifyPassword("cafe\u0301 au lait!!", hash)).toBe(true);
  });

  it("refuses a missing or malformed stored hash", async () => {
    expect(await verifyPassword("anything at all", null)).toBe(false);
    expect(await verifyPassword("anything at all", undefined)).toBe(false);
    expect(await verifyPassword("anything at all", "plain-text-password")).toBe(false);
    expect(await verifyPassword("anything at all", "scrypt$1$2$3")).toBe(false);
  });

  it("spends the same work on an unknown user as on a real check (no timing oracle)", async () => {
    const hash = await hashPassword("a real password");
    const time = async (stored: string | null) => {
      const t0 = performance.now();
      await verifyPassword("a guess at it", stored);
      return performance.now() - t0;
    };
    await time(hash); // warm-up
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      known.push(await time(hash));
      unknown.push(await time(null));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ratio = median(unknown) / median(known);
    // Both run one full scrypt (tens of ms); an early return would be well under 1 ms.
    expect(median(unknown)).toBeGreaterThan(5);
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.6);
  });

  it("has rules for local passwords and generates ones that pass them", () => {
    expect(passwordProblem("short")).toMatch(/at least 12/);
    expect(passwordProblem("x".repeat(257))).toMatch(/at most 256/);
    expect(passwordProblem("twelve chars")).toBeNull();
    const generated = new Set(Array.from({ length: 20 }, generatePassword));
    expect(generated.size).toBe(20);
    for (const p of generated) expect(passwordProblem(p)).toBeNull();
  });
});

describe("weak passwords", () => {
  it("refuses the most common passwords, whatever the case", () => {
    for (const p of ["password1234", "PASSWORD1234", "qwertyuiop123", "administrator", "iloveyouforever", "zaq12wsxcde3"]) {
      expect(passwordProblem(p), p).toBe("This is one of the most common passwords. Choose another.");
    }
  });

  it("refuses a common password with digits or symbols added at the end", () => {
    for (const p of ["Password123!", "Sunshine2024!", "letmein!!!!!!", "Dragon123456", "football 1234"]) {
      expect(passwordProblem(p), p).toBe("This is a common password with digits or symbols added, which guessers try early. Choose another.");
    }
  });

  it("refuses one character repeated", () => {
    for (const p of ["aaaaaaaaaaaa", "111111111111", "            ", "ZZZZZZZZZZZZZZZZZZZZ"]) {
      expect(passwordProblem(p), p).toBe("Do not use one character repeated: it is guessed at once.");
    }
  });

  it("refuses a short pattern repeated", () => {
    for (const p of ["abcabcabcabc", "passwordpassword", "xy12xy12xy12", "Hello!Hello!"]) {
      expect(passwordProblem(p), p).toBe("Do not repeat a short pattern (like abcabc…): it is guessed at once.");
    }
  });

  it("refuses sequences and keyboard rows, forwards, backwards and wrapping round", () => {
    for (const p of ["123456789012", "abcdefghijkl", "ABCDEFGHIJKLMNOP", "210987654321", "zyxwvutsrqpo", "qwertyuiopas", "1q2w3e4r5t6y7u", "!@#$%^&*()!@"]) {
      expect(passwordProblem(p), p).toBe("Do not use a sequence or a keyboard row (like abcdef…, 123456…, qwerty…): it is guessed at once.");
    }
  });

  it("refuses the user name (any case, with digits or symbols added, or backwards)", () => {
    const message = "Do not use the user name as the password.";
    expect(passwordProblem("maintenance-team", "maintenance-team")).toBe(message);
    expect(passwordProblem("Maintenance-Team", "maintenance-team")).toBe(message);
    expect(passwordProblem("maintenance-team2024!", "maintenance-team")).toBe(message);
    expect(passwordProblem("maet-ecnanetniam", "maintenance-team")).toBe(message);
    // Without a user name there is nothing to compare with; containing it is allowed.
    expect(passwordProblem("maintenance-team")).toBeNull();
    expect(passwordProblem("maintenance-team likes tea", "maintenance-team")).toBeNull();
  });

  it("accepts passwords that merely contain a common word or a short run", () => {
    for (const p of ["correct horse battery", "my password is long enough", "sunshine over the harbour", "abc and then some more", "Tr0ub4dor&3-extra"]) {
      expect(passwordProblem(p, "alice"), p).toBeNull();
    }
  });
});
