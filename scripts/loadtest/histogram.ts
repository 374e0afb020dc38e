/**
 * Latencies in whole-millisecond buckets: a worker ships hundreds of thousands of samples
 * (every socket's every `slots` message) to the coordinator as a few hundred pairs.
 */
export type Buckets = [ms: number, count: number][];

export class LatencyHistogram {
  private readonly counts = new Map<number, number>();

  add(ms: number): void {
    const bucket = Math.max(0, Math.round(ms));
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
  }

  buckets(): Buckets {
    return [...this.counts];
  }
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Percentiles over the merged buckets of every worker. */
export function summarize(parts: readonly Buckets[]): LatencySummary {
  const merged = new Map<number, number>();
  for (const part of parts) for (const [ms, n] of part) merged.set(ms, (merged.get(ms) ?? 0) + n);
  const sorted = [...merged].sort((a, b) => a[0] - b[0]);
  const count = sorted.reduce((n, [, c]) => n + c, 0);
  const at = (p: number): number => {
    if (count === 0) return 0;
    const rank = Math.min(count, Math.max(1, Math.ceil((p / 100) * count)));
    let seen = 0;
    for (const [ms, n] of sorted) {
      seen += n;
      if (seen >= rank) return ms;
    }
    return sorted[sorted.length - 1][0];
  };
  return { count, p50: at(50), p95: at(95), p99: at(99), max: count === 0 ? 0 : sorted[sorted.length - 1][0] };
}
