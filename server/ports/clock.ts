/** Time and timers, injected so the tick loop can be driven step by step in tests. */
export interface Clock {
  /** Milliseconds since the epoch (the in-memory store's clock for claim windows). */
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
