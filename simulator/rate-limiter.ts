/** Hands out slots at a steady rate, so thousands of agents connect gradually, not in one burst. */
export class RateLimiter {
  private nextSlot = 0;

  constructor(private perSecond: number) {}

  async take(): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.perSecond;
    if (slot > now) await new Promise((r) => setTimeout(r, slot - now));
  }
}
