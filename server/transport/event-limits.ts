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
    return new SocketAllowance(new TokenBucket(this.socketLimit, now), player.bucket, this.clock);
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

/** One socket's view: its bucket, then its player's. */
export class SocketAllowance {
  constructor(
    private readonly socket: TokenBucket,
    private readonly player: TokenBucket,
    private readonly clock: Clock,
  ) {}

  /** Null when the event may go on, else which bucket was empty. */
  spend(): LimitScope | null {
    const now = this.clock.now();
    if (!this.socket.take(now)) return "socket";
    if (!this.player.take(now)) return "player";
    return null;
  }
}
