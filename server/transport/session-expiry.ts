import type { BingoServer, BingoSocket } from "./socket-types";

/**
 * When each connected socket's token expires, kept as one bucket per second (a timing
 * wheel) and swept once a second for the whole node: tracking and forgetting a socket are
 * O(1) set operations, and no socket holds a timer of its own, so 100,000 sockets cost one
 * interval and 100,000 set entries.
 */
export class ExpiryWheel<T> {
  /** Second (epoch) → the items whose time ends in it. */
  private readonly buckets = new Map<number, Set<T>>();
  private readonly bucketOf = new Map<T, number>();
  /** The last second already swept; buckets up to it are empty. */
  private swept: number;

  constructor(nowMs: number) {
    this.swept = Math.floor(nowMs / 1000);
  }

  get size(): number {
    return this.bucketOf.size;
  }

  /** Tracks `item` until `atMs` (or until it is forgotten); tracking it again moves it. */
  track(item: T, atMs: number): void {
    this.forget(item);
    // Never behind the sweep: a time already past goes into the next sweep's bucket.
    const second = Math.max(Math.floor(atMs / 1000), this.swept + 1);
    let bucket = this.buckets.get(second);
    if (!bucket) this.buckets.set(second, (bucket = new Set()));
    bucket.add(item);
    this.bucketOf.set(item, second);
  }

  forget(item: T): void {
    const second = this.bucketOf.get(item);
    if (second === undefined) return;
    this.bucketOf.delete(item);
    const bucket = this.buckets.get(second)!;
    bucket.delete(item);
    if (bucket.size === 0) this.buckets.delete(second);
  }

  /** Removes and returns every item whose time has come by `nowMs`. */
  sweep(nowMs: number): T[] {
    const now = Math.floor(nowMs / 1000);
    const due: T[] = [];
    // After a long stall, walk the buckets that exist rather than every second missed.
    const seconds = now - this.swept > this.buckets.size ? [...this.buckets.keys()].filter((s) => s <= now) : range(this.swept + 1, now);
    for (const second of seconds) {
      const bucket = this.buckets.get(second);
      if (!bucket) continue;
      this.buckets.delete(second);
      for (const item of bucket) {
        this.bucketOf.delete(item);
        due.push(item);
      }
    }
    if (now > this.swept) this.swept = now;
    return due;
  }
}

function range(from: number, to: number): number[] {
  const seconds: number[] = [];
  for (let s = from; s <= to; s++) seconds.push(s);
  return seconds;
}

/** How long a socket told its session expired gets to read that before it is cut without waiting. */
const FORCE_CLOSE_AFTER_MS = 5000;
const SWEEP_EVERY_MS = 1000;

/**
 * Cuts every socket of this node when its token expires: it gets `session:expired`, then
 * its connection is closed at the transport level, so socket.io-client reconnects by
 * itself and its `auth` callback can hand over a fresh token (a fixed, expired token is
 * refused with UNAUTHORIZED and the client stops). A socket that does not read its last
 * message is cut anyway FORCE_CLOSE_AFTER_MS later.
 */
export function watchSessionExpiry(io: BingoServer, now: () => number): { stop(): void } {
  const expiring = new ExpiryWheel<BingoSocket>(now());
  const closing = new ExpiryWheel<BingoSocket>(now());
  io.on("connection", (socket) => {
    expiring.track(socket, socket.data.expiresAtMs);
    socket.on("disconnect", () => {
      expiring.forget(socket);
      closing.forget(socket);
    });
  });
  const sweep = (): void => {
    const at = now();
    for (const socket of expiring.sweep(at)) {
      if (!socket.connected) continue;
      socket.emit("session:expired", { reason: "your token expired; reconnect with a fresh one" });
      socket.conn.close();
      closing.track(socket, at + FORCE_CLOSE_AFTER_MS);
    }
    for (const socket of closing.sweep(at)) {
      if (socket.conn.readyState !== "closed") socket.conn.close(true);
    }
  };
  const timer = setInterval(sweep, SWEEP_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
