/** How many events may come at once (`burst`) and how fast the allowance comes back. */
export interface BucketLimit {
  readonly burst: number;
  readonly perSecond: number;
}

/**
 * A token bucket refilled lazily from the clock the caller passes: two numbers of state
 * and no timer, so one per socket and per player costs nothing between events and
 * allocates nothing per event.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly limit: BucketLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.at = now;
  }

  /** Spends one token if there is one; false when the bucket is empty. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whether the bucket has refilled completely (nothing to remember about its owner). */
  full(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.limit.burst;
  }

  private refill(now: number): void {
    const elapsed = now - this.at;
    // A clock stepped back restarts the count from now instead of freezing the bucket until it catches up.
    if (elapsed > 0) this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed * this.limit.perSecond) / 1000);
    this.at = now;
  }
}
