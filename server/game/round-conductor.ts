import type { ClaimEngine } from "../claims/claim-engine";
import type { Clock } from "../ports/clock";
import type { DrawResult, Drawer, GameStore, StoreResult } from "../ports/game-store";
import type { RoomBroadcast } from "../ports/room-broadcast";
import { AutoClaimIndex } from "./auto-claims";
import type { GameCatalog } from "./game-rules";

/** The round's own announcements: each ball, and auto-draw changes to the other nodes. */
export type RoundAnnouncer = Pick<RoomBroadcast, "drawn" | "shareAuto">;

const AUTO_CALL = "auto";

/**
 * Draws on this node: by hand for the host, or on the auto-draw timer. Only the holder of
 * the game's draw lease draws on the timer; every node that knows auto-draw is on keeps
 * trying to take the lease, so the draws continue when the holder dies. The store's
 * atomic draw (and fencing token) means no ball is ever drawn twice or skipped. After each
 * draw this node makes the auto-claim calls for the cards completing on that ball.
 */
export class RoundConductor {
  private readonly autoLoops = new Map<string, unknown>();
  private readonly indexes = new Map<string, Promise<AutoClaimIndex | null>>();
  /**
   * Per game, the index of a draw this node sent whose answer never came (OUTCOME_UNKNOWN):
   * if it was done, nobody announced it, so a repeat that returns it announces it then.
   */
  private readonly unannounced = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly store: GameStore,
    private readonly catalog: GameCatalog,
    private readonly engine: ClaimEngine,
    private readonly announcer: RoundAnnouncer,
    private readonly clock: Clock,
    private readonly nodeId: string,
  ) {}

  async draw(gameId: string, by: Drawer, expectedIndex: number | null): Promise<StoreResult<DrawResult>> {
    const drawn = await this.store.draw(gameId, by, expectedIndex);
    if (!drawn.ok) {
      if (drawn.error.code === "OUTCOME_UNKNOWN" && expectedIndex !== null) this.unannounced.set(gameId, expectedIndex);
      return drawn;
    }
    const { ball, index, roundVersion, settleAt, drewNow } = drawn.value;
    const lostAnswer = this.unannounced.get(gameId);
    if (lostAnswer !== undefined && index >= lostAnswer) this.unannounced.delete(gameId);
    if (!drewNow && lostAnswer !== index) return drawn;
    this.announcer.drawn({ gameId, ball, index, version: roundVersion, at: this.clock.now() });
    if (settleAt !== null) this.engine.settleAt(gameId, settleAt);
    const autoClaims = await this.index(gameId);
    for (const card of autoClaims?.completingOn(index) ?? []) {
      this.engine.call(gameId, card.playerId, AUTO_CALL, card.cardId, card.completions, null);
    }
    return drawn;
  }

  /** A pattern was awarded here: the next one is in play, maybe already complete on some cards. */
  async patternStarted(gameId: string, pattern: number, lastIndex: number): Promise<void> {
    const autoClaims = await this.index(gameId);
    for (const card of autoClaims?.completeFor(pattern, lastIndex) ?? []) {
      this.engine.call(gameId, card.playerId, AUTO_CALL, card.cardId, card.completions, null);
    }
  }

  /** The host set auto-draw here: follow it, and tell the other nodes so they stand by. */
  setAuto(gameId: string, intervalMs: number | null): void {
    this.follow(gameId, intervalMs);
    this.announcer.shareAuto(gameId, intervalMs);
  }

  /** Auto-draw is on (or changed) for a game: this node takes part in drawing it. */
  follow(gameId: string, intervalMs: number | null): void {
    if (intervalMs === null || this.stopped) return this.unfollow(gameId);
    if (this.autoLoops.has(gameId)) return;
    this.schedule(gameId, intervalMs);
  }

  unfollow(gameId: string): void {
    const timer = this.autoLoops.get(gameId);
    if (timer !== undefined) this.clock.clearTimeout(timer);
    this.autoLoops.delete(gameId);
  }

  /** The game ended or left this node. */
  forget(gameId: string): void {
    this.unfollow(gameId);
    this.indexes.delete(gameId);
    this.unannounced.delete(gameId);
  }

  /** Lets go of a game's auto-claim index unless this node takes part in its auto-draw. */
  release(gameId: string): void {
    if (!this.autoLoops.has(gameId)) this.indexes.delete(gameId);
  }

  isFollowing(gameId: string): boolean {
    return this.autoLoops.has(gameId);
  }

  /** Games this node follows auto-draw for, or keeps an auto-claim index for. */
  games(): Set<string> {
    return new Set([...this.autoLoops.keys(), ...this.indexes.keys()]);
  }

  stop(): void {
    this.stopped = true;
    for (const gameId of [...this.autoLoops.keys()]) this.unfollow(gameId);
  }

  private schedule(gameId: string, intervalMs: number): void {
    this.autoLoops.set(
      gameId,
      this.clock.setTimeout(() => void this.autoDraw(gameId, intervalMs), intervalMs),
    );
  }

  private async autoDraw(gameId: string, intervalMs: number): Promise<void> {
    if (!this.autoLoops.has(gameId)) return;
    // A lease of a few intervals: another node takes over soon after this one dies.
    const lease = await this.store.acquireLease(gameId, this.nodeId, Math.max(3 * intervalMs, 2000));
    if (!this.autoLoops.has(gameId)) return;
    if (lease.ok && lease.value.autoIntervalMs === null) return this.unfollow(gameId);
    const interval = lease.ok ? (lease.value.autoIntervalMs ?? intervalMs) : intervalMs;
    if (lease.ok && lease.value.token > 0) {
      const drawn = await this.draw(gameId, { leaseToken: lease.value.token }, null);
      if (!drawn.ok && drawn.error.code === "WRONG_PHASE" && drawn.error.reason !== "paused") return this.unfollow(gameId);
    }
    if (this.autoLoops.has(gameId)) this.schedule(gameId, interval);
  }

  private index(gameId: string): Promise<AutoClaimIndex | null> {
    let index = this.indexes.get(gameId);
    if (!index) {
      index = (async () => {
        const [rules, owners] = await Promise.all([this.catalog.load(gameId), this.store.cardOwners(gameId)]);
        return rules.ok && owners.ok ? new AutoClaimIndex(rules.value, owners.value) : null;
      })();
      this.indexes.set(gameId, index);
      // A failed load (store away) is tried again on the next draw.
      void index.then((built) => {
        if (!built) this.indexes.delete(gameId);
      });
    }
    return index;
  }
}
