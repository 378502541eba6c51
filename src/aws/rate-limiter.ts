// Client-side pacing for IAM once it has throttled us, plugged into the SDK's adaptive retry
// strategy in place of its DefaultRateLimiter.
//
// Why not the SDK's own: its CUBIC limiter cuts the sending rate to 70 % of the measured rate on
// every throttle and the cuts compound when several calls in flight are throttled together, so an
// apply against a token bucket of K calls/s settles around 80 % of K (measured by `npm run bench`).
// IAM, like the bucket, admits exactly its refill rate once the burst is spent, so this limiter
// paces at the rate IAM actually admitted during the last second, probes a little above it while
// nothing is throttled, and resets (never compounds) on a throttle. Calls leave evenly spaced, so
// the server's bucket never fills up unused, which is where throughput is lost.
import type { RateLimiter } from '@smithy/core/retry';

export interface SustainedRateLimiterOptions {
  /** Milliseconds clock; tests pass a fake one. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Span over which the admitted rate is measured. */
  windowMs?: number;
  /** Growth of the rate per second without a throttle (0.05 = +5 %/s), to find spare capacity. */
  growthPerSecond?: number;
  /**
   * Share of the measured rate to restart from after a throttle: a little under it, so the server's
   * bucket keeps a token or two for calls that arrive early (timers are not exact).
   */
  resetShare?: number;
  /** The rate never drops below this many calls per second. */
  minRate?: number;
}

/** Reads the SDK's retry error info: the retry middleware classifies throttling errors for us. */
function isThrottling(info: unknown): boolean {
  return (
    typeof info === 'object' && info !== null && (info as { errorType?: unknown }).errorType === 'THROTTLING'
  );
}

export class SustainedRateLimiter implements RateLimiter {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly windowMs: number;
  private readonly growthPerSecond: number;
  private readonly resetShare: number;
  private readonly minRate: number;
  /** Off until the first throttle: until then the SDK sends as fast as the callers ask. */
  private enabled = false;
  private rate = Number.POSITIVE_INFINITY;
  private rateSetAt = 0;
  /** Earliest time the next call may leave (calls are spaced 1/rate apart). */
  private nextSlot = 0;
  /** When answers that were not throttling arrived, oldest first, within the window. */
  private readonly admitted: number[] = [];

  constructor(options: SustainedRateLimiterOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.windowMs = options.windowMs ?? 1000;
    this.growthPerSecond = options.growthPerSecond ?? 0.05;
    this.resetShare = options.resetShare ?? 0.9;
    this.minRate = options.minRate ?? 0.5;
  }

  /** Calls per second currently allowed (Infinity while no throttle was seen). */
  currentRate(): number {
    return this.enabled ? this.grownRate(this.now()) : Number.POSITIVE_INFINITY;
  }

  async getSendToken(): Promise<void> {
    if (!this.enabled) return;
    const now = this.now();
    const rate = this.grownRate(now);
    const at = Math.max(now, this.nextSlot);
    this.nextSlot = at + 1000 / rate;
    if (at > now) await this.sleep(at - now);
  }

  updateClientSendingRate(info: unknown): void {
    const now = this.now();
    this.forgetBefore(now - this.windowMs);
    if (!isThrottling(info)) {
      this.admitted.push(now);
      return;
    }
    // Whatever IAM admitted over the last window is what it sustains now; start again from there.
    const measured = this.admitted.length / (this.windowMs / 1000);
    this.rate = Math.max(this.minRate, measured * this.resetShare);
    this.rateSetAt = now;
    this.enabled = true;
    // Slots handed out at the old pace stay; later ones follow the new spacing from now on.
    this.nextSlot = Math.min(this.nextSlot, now + 1000 / this.rate);
  }

  private grownRate(now: number): number {
    const grown = this.rate * (1 + this.growthPerSecond) ** ((now - this.rateSetAt) / 1000);
    return Math.max(this.minRate, grown);
  }

  private forgetBefore(cutoff: number): void {
    let drop = 0;
    while (drop < this.admitted.length && this.admitted[drop] <= cutoff) drop += 1;
    if (drop) this.admitted.splice(0, drop);
  }
}
