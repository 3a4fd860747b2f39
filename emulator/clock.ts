/**
 * The emulator's notion of "now": the wall clock plus an offset that tests and demos move
 * forward (`POST /_emulator/clock {"advanceSeconds": N}`), so behaviour measured in minutes
 * or days (job timeouts, scheduling at least 30 minutes ahead, maintenance windows) can be
 * exercised in seconds. Time never goes back: the offset only grows, and it is kept in the
 * store's metadata so a restart does not rewind timestamps already handed out.
 */
export const CLOCK_META_KEY = "emulator-clock-offset-ms";

/** Largest single step: ten years, far beyond any AWS IoT limit, small enough to stay exact in a double. */
export const MAX_ADVANCE_SECONDS = 10 * 366 * 24 * 3600;

export interface ClockPersistence {
  load(): string | undefined;
  save(value: string): void;
}

export class EmulatorClock {
  private offsetMs = 0;
  private readonly listeners = new Set<() => void>();

  /** `wall`: the underlying time source (tests hold it still, so only advances move time). */
  constructor(
    private readonly persistence?: ClockPersistence,
    private readonly wall: () => number = Date.now,
  ) {
    const stored = Number(persistence?.load() ?? 0);
    if (Number.isFinite(stored) && stored > 0) this.offsetMs = stored;
  }

  /** Epoch milliseconds, emulator time. */
  now(): number {
    return this.wall() + this.offsetMs;
  }

  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }

  /** Moves time forward; everyone waiting on the clock (`onAdvance`) re-checks what is due. */
  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_ADVANCE_SECONDS) {
      throw new RangeError(`advanceSeconds must be a number from 0 to ${MAX_ADVANCE_SECONDS}`);
    }
    if (seconds === 0) return;
    this.offsetMs += Math.round(seconds * 1000);
    this.persistence?.save(String(this.offsetMs));
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch (err) {
        console.error("[emulator] clock listener failed", err);
      }
    }
  }

  onAdvance(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * One timer on an EmulatorClock: fires once emulator time reaches `at`, whether that
 * happens by waiting or by an advance. `set` replaces the pending time.
 */
export class ClockTimer {
  private handle: NodeJS.Timeout | undefined;
  private at: number | undefined;
  private readonly unlisten: () => void;

  constructor(
    private readonly clock: EmulatorClock,
    private readonly fire: () => void,
  ) {
    this.unlisten = clock.onAdvance(() => this.arm());
  }

  /** Fires at `at` (epoch ms, emulator time); undefined clears it. */
  set(at: number | undefined): void {
    this.at = at;
    this.arm();
  }

  get pending(): number | undefined {
    return this.at;
  }

  close(): void {
    clearTimeout(this.handle);
    this.handle = undefined;
    this.at = undefined;
    this.unlisten();
  }

  private arm(): void {
    clearTimeout(this.handle);
    this.handle = undefined;
    if (this.at === undefined) return;
    // Node clamps delays above 2^31-1 ms; re-arming on the way is harmless.
    const delay = Math.min(Math.max(this.at - this.clock.now(), 0), 2 ** 31 - 1);
    this.handle = setTimeout(() => {
      this.handle = undefined;
      if (this.at !== undefined && this.clock.now() >= this.at) {
        this.at = undefined;
        this.fire();
      } else this.arm();
    }, delay);
    this.handle.unref();
  }
}
