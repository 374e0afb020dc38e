/**
 * One part of a node that keeps something per game (a room, rules, an index, figures),
 * and how to let a game go. `release` frees what is not needed any more and keeps what
 * still is (work waiting for a tick, an award to settle, auto-draw this node follows).
 */
export interface PerGameState {
  /** A name for metrics and tests. */
  readonly kind: string;
  /** Games this part keeps something for now. */
  games(): Iterable<string>;
  /** How many games it keeps something for. */
  size(): number;
  release(gameId: string): void;
}

/**
 * Frees, in every part, the games no local socket is in (no room member on this node).
 * What a client sends for a game it never joined (claims, calls) leaves state behind on
 * the node until the next sweep, never longer: the node's per-game memory is bounded by
 * the games its sockets are in plus what arrived in one sweep interval (rate-limited).
 */
export class IdleGameSweeper {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly hasLocalMembers: (gameId: string) => boolean,
    private readonly parts: readonly PerGameState[],
  ) {}

  sweep(): void {
    for (const part of this.parts) {
      for (const gameId of [...part.games()]) if (!this.hasLocalMembers(gameId)) part.release(gameId);
    }
  }

  /** Sweeps every `intervalMs` (the timer does not keep the process alive). */
  start(intervalMs: number): void {
    this.timer = setInterval(() => this.sweep(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** How many games each part keeps something for. */
  sizes(): Record<string, number> {
    return Object.fromEntries(this.parts.map((part) => [part.kind, part.size()]));
  }
}
