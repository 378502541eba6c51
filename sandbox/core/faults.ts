// Fault and load knobs shared by every emulator: latency, a token-bucket rate limit, a share of
// 5xx answers and of dropped connections. Randomness is seeded so a failing test can be replayed.

export interface RateLimit {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size (requests allowed in a burst); defaults to perSecond. */
  burst?: number;
  /** Only count mutating operations (IAM's control plane throttles writes hardest). */
  mutatingOnly?: boolean;
}

export interface FaultOptions {
  /** Added to every request before it is answered (a round trip's fixed part). */
  latencyMs?: number;
  /**
   * Added per KiB of request plus response body (the transfer part): a 1,000-role page costs more
   * than one GetRole, as over a real network.
   */
  latencyPerKiBMs?: number;
  rateLimit?: RateLimit;
  /** Share (0..1) of requests answered with the service's 5xx error. */
  errorRate?: number;
  /** Share (0..1) of requests whose connection is destroyed without an answer. */
  dropRate?: number;
  /** Share (0..1) of requests answered with the service's throttling error regardless of the bucket. */
  throttleRate?: number;
  /** Seed for the fault dice; default 1. */
  seed?: number;
}

/** mulberry32: tiny, fast, good enough to spread faults evenly and replay them. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly limit: RateLimit;
  private readonly now: () => number;

  constructor(limit: RateLimit, now: () => number = () => performance.now()) {
    this.limit = limit;
    this.now = now;
    this.tokens = limit.burst ?? limit.perSecond;
    this.last = now();
  }

  /** Takes one token; false when the bucket is empty (the caller answers with a throttling error). */
  take(): boolean {
    const t = this.now();
    const capacity = this.limit.burst ?? this.limit.perSecond;
    this.tokens = Math.min(capacity, this.tokens + ((t - this.last) / 1000) * this.limit.perSecond);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}
