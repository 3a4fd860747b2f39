import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { availableParallelism } from "node:os";
import { createLimiter, LimiterBusyError, type Limiter } from "@/lib/async/limiter";
import { AppError } from "@/lib/errors";
import { COMMON_PASSWORDS } from "./common-passwords";

/**
 * Password hashing with scrypt, a memory-hard function built into Node (no native
 * add-on to build). N=2^15, r=8 uses 32 MiB per hash, which makes GPU/ASIC guessing
 * expensive and costs ~100 ms here. The parameters are stored with the hash so they can
 * be raised later without invalidating existing passwords.
 */
const N = 1 << 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 64;
const MAX_MEM = 64 * 1024 * 1024;

/**
 * Every hash and check in the process waits its turn here: at most HASH_CONCURRENCY at
 * once (2, or 1 on a one-core machine) and HASH_QUEUE_LIMIT waiting, so a burst of
 * sign-ins cannot take every core and 32 MiB per guess from the rest of the console. A
 * call past the queue is refused at once ("busy, try again") instead of waiting for
 * seconds. Kept on globalThis: Next may evaluate this module more than once per process.
 */
const HASH_CONCURRENCY = Math.max(1, Math.min(2, availableParallelism()));
const HASH_QUEUE_LIMIT = 32;
const QUEUE_KEY = Symbol.for("fleet-console.password-hashing");

export class PasswordHashingBusyError extends AppError {
  constructor() {
    super("throttled", "The console is busy checking other passwords. Try again in a few seconds.");
  }
}

function hashingQueue(): Limiter {
  const holder = globalThis as { [QUEUE_KEY]?: Limiter };
  return (holder[QUEUE_KEY] ??= createLimiter(HASH_CONCURRENCY, { maxQueued: HASH_QUEUE_LIMIT }));
}

async function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  try {
    return await hashingQueue()(
      () =>
        new Promise<Buffer>((resolve, reject) => scryptCb(password.normalize("NFKC"), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)))),
    );
  } catch (err) {
    throw err instanceof LimiterBusyError ? new PasswordHashingBusyError() : err;
  }
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, { N, r: R, p: P, maxmem: MAX_MEM });
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parts = (stored ?? "").split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") {
    // Spend the same time as a real check so unknown users can't be told apart by timing.
    await scrypt(password, Buffer.alloc(16), KEY_LENGTH, { N, r: R, p: P, maxmem: MAX_MEM });
    return false;
  }
  const [, n, r, p, salt, hash] = parts;
  const expected = Buffer.from(hash, "base64url");
  const key = await scrypt(password, Buffer.from(salt, "base64url"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAX_MEM,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Runs of characters people type as "a password": alphabet, digits, keyboard rows and columns. */
const SEQUENCES = [
  "abcdefghijklmnopqrstuvwxyz",
  "0123456789",
  "qwertyuiopasdfghjklzxcvbnm",
  "qwertzuiopasdfghjklyxcvbnm",
  "azertyuiopqsdfghjklmwxcvbn",
  "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
  "1q2w3e4r5t6y7u8i9o0p",
  "qazwsxedcrfvtgbyhnujmikolp",
  "!@#$%^&*()",
];

/** Made of one of SEQUENCES, forwards or backwards, possibly wrapping round ("…7890123"). */
function isSequence(lower: string): boolean {
  return SEQUENCES.some((seq) => {
    const loop = seq.repeat(Math.ceil(lower.length / seq.length) + 1);
    return loop.includes(lower) || loop.includes([...lower].reverse().join(""));
  });
}

/** Some shorter text repeated ("abcabcabcabc", "passwordpassword"). */
function isRepetition(text: string): boolean {
  for (let unit = 1; unit <= text.length / 2; unit++) {
    if (text.length % unit === 0 && text.slice(0, unit).repeat(text.length / unit) === text) return true;
  }
  return false;
}

/**
 * Rules for local passwords: long enough to resist guessing, short enough to hash, and
 * none of what guessers try first (the common-password list, with or without digits and
 * symbols added at the end; one character repeated; a repeated pattern; a sequence or
 * keyboard row; the user name). One message per rule, saying what to avoid.
 */
export function passwordProblem(password: string, username?: string): string | null {
  if (password.length < 12) return "Use at least 12 characters.";
  if (password.length > 256) return "Use at most 256 characters.";
  const lower = password.normalize("NFKC").toLowerCase();
  if (new Set(lower).size === 1) return "Do not use one character repeated: it is guessed at once.";
  if (isRepetition(lower)) return "Do not repeat a short pattern (like abcabc…): it is guessed at once.";
  if (isSequence(lower)) return "Do not use a sequence or a keyboard row (like abcdef…, 123456…, qwerty…): it is guessed at once.";
  const base = lower.replace(/[\p{N}\p{P}\p{S}\s]+$/u, "");
  const name = username?.trim().toLowerCase();
  if (name && (lower === name || base === name || lower === [...name].reverse().join(""))) return "Do not use the user name as the password.";
  if (COMMON_PASSWORDS.has(lower)) return "This is one of the most common passwords. Choose another.";
  if (base.length >= 3 && COMMON_PASSWORDS.has(base))
    return "This is a common password with digits or symbols added, which guessers try early. Choose another.";
  return null;
}

/** A random password for the first admin when none is configured. */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}
