/**
 * Failed-login throttle: after `maxFailures` failures for one account or `maxPerIp` from one address
 * within `windowMs`, further attempts are refused until the window has passed.
 */
export class LoginThrottle {
  private failures = new Map<string, number[]>();

  constructor(private readonly clock: () => number, private readonly maxFailures = 5, private readonly maxPerIp = 20, private readonly windowMs = 15 * 60_000) {}

  /** Seconds to wait before trying again, or 0 when allowed. */
  retryAfterSec(username: string, ip: string): number {
    const now = this.clock();
    const wait = (key: string, max: number) => {
      const list = this.recent(key, now);
      return list.length >= max ? Math.ceil((list[0]! + this.windowMs - now) / 1000) : 0;
    };
    return Math.max(wait(`u:${username.toLowerCase()}`, this.maxFailures), wait(`ip:${ip}`, this.maxPerIp));
  }

  fail(username: string, ip: string): void {
    const now = this.clock();
    for (const key of [`u:${username.toLowerCase()}`, `ip:${ip}`]) this.failures.set(key, [...this.recent(key, now), now]);
    if (this.failures.size > 100_000) this.failures.clear();
  }

  succeed(username: string): void { this.failures.delete(`u:${username.toLowerCase()}`); }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }
}
