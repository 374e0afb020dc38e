import type { BucketLimit } from "../domain/token-bucket";
import { TokenBucket } from "../domain/token-bucket";
import type { Clock } from "../ports/clock";
import type { LimitScope } from "../ports/metrics";

interface PlayerAllowance {
  readonly bucket: TokenBucket;
  sockets: number;
}

const SWEEP_EVERY = 1024;

/**
 * A run of refusals ends when a socket sends nothing over its limit for this long; a
 * socket refused without such a pause for `disconnectAfterMs` is an abuser.
 */
export const ABUSE_PAUSE_MS = 1000;

/** What the gateway does with one client event. */
export type EventVerdict =
  | { readonly pass: true }
  | {
      readonly pass: false;
      /** Which bucket was empty. */
      readonly scope: LimitScope;
      /** "answer": reply RATE_LIMITED; "drop": say nothing; "cut": disconnect the socket. */
      readonly action: "answer" | "drop" | "cut";
    };

const PASS: EventVerdict = { pass: true };
// Preallocated so that refusing an event allocates nothing.
const REFUSED = {
  socket: { answer: refused("socket", "answer"), drop: refused("socket", "drop"), cut: refused("socket", "cut") },
  player: { answer: refused("player", "answer"), drop: refused("player", "drop"), cut: refused("player", "cut") },
} as const;

function refused(scope: LimitScope, action: "answer" | "drop" | "cut"): EventVerdict {
  return { pass: false, scope, action };
}

/** How refused events are answered, and when a socket is cut for them. */
export interface AbusePolicy {
  /** A socket that keeps going over its limit this long is disconnected. */
  readonly disconnectAfterMs: number;
}

/**
 * Token buckets for client events: one per socket, and one per player (the token's
 * subject) shared by all of that player's sockets on this node. A player with sockets on
 * several nodes gets one allowance per node: counting across nodes would cost a store
 * round trip per event, and the connection cap bounds the rest.
 */
export class EventLimits {
  private readonly players = new Map<string, PlayerAllowance>();
  /** Players whose last socket closed while their bucket was not yet full; swept now and then. */
  private idle = 0;

  constructor(
    private readonly socketLimit: BucketLimit,
    private readonly playerLimit: BucketLimit,
    private readonly clock: Clock,
    private readonly policy: AbusePolicy,
  ) {}

  /** A socket of `playerId` connected: its own bucket, and the player's (kept while it has sockets). */
  opened(playerId: string): SocketAllowance {
    const now = this.clock.now();
    let player = this.players.get(playerId);
    if (!player) {
      player = { bucket: new TokenBucket(this.playerLimit, now), sockets: 0 };
      this.players.set(playerId, player);
    }
    player.sockets++;
    return new SocketAllowance(new TokenBucket(this.socketLimit, now), player.bucket, this.clock, 1000 / this.socketLimit.perSecond, this.policy.disconnectAfterMs);
  }

  /** Sockets `playerId` has open on this node. */
  socketsOf(playerId: string): number {
    return this.players.get(playerId)?.sockets ?? 0;
  }

  /**
   * A socket of `playerId` closed. The player's bucket is forgotten with its last socket
   * only once it is full again, so reconnecting does not refill it early.
   */
  closed(playerId: string): void {
    const player = this.players.get(playerId);
    if (!player || --player.sockets > 0) return;
    if (player.bucket.full(this.clock.now())) this.players.delete(playerId);
    else if (++this.idle >= SWEEP_EVERY) this.sweep();
  }

  /** Players with an allowance on this node (tests). */
  get size(): number {
    return this.players.size;
  }

  private sweep(): void {
    this.idle = 0;
    const now = this.clock.now();
    for (const [playerId, player] of this.players) {
      if (player.sockets === 0 && player.bucket.full(now)) this.players.delete(playerId);
    }
  }
}

/**
 * One socket's view: its bucket, then its player's. Refusals cost O(1): at most one is
 * answered per refill window (the time the socket's bucket takes to regain one token), the
 * others are dropped, and a socket refused without a pause of ABUSE_PAUSE_MS for
 * `disconnectAfterMs` is to be cut. Three numbers of state, no timer.
 */
export class SocketAllowance {
  private answeredAt = -Infinity;
  private refusedAt = -Infinity;
  private runSince = 0;

  constructor(
    private readonly socket: TokenBucket,
    private readonly player: TokenBucket,
    private readonly clock: Clock,
    private readonly windowMs: number,
    private readonly disconnectAfterMs: number,
  ) {}

  /**
   * Spends one token of each bucket, or says what to do with an event over the limit.
   * `answerable`: the event has an ack; a refusal of one without it is dropped and does not
   * use up the window's answer.
   */
  spend(answerable = true): EventVerdict {
    const now = this.clock.now();
    const scope: LimitScope | null = !this.socket.take(now) ? "socket" : !this.player.take(now) ? "player" : null;
    if (scope === null) return PASS;
    if (now - this.refusedAt >= ABUSE_PAUSE_MS) this.runSince = now;
    this.refusedAt = now;
    if (now - this.runSince >= this.disconnectAfterMs) return REFUSED[scope].cut;
    if (!answerable || now - this.answeredAt < this.windowMs) return REFUSED[scope].drop;
    this.answeredAt = now;
    return REFUSED[scope].answer;
  }
}
