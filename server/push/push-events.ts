import type { Logger } from "pino";
import type { Award, SlotState } from "../../shared/protocol";
import type { PushEvent, PushKind } from "../domain/push-messages";
import type { Clock } from "../ports/clock";
import type { PushGate, PushOutbox } from "../ports/push-ports";

/**
 * Turns what happens in a game into outbox entries, once, on the node where it happened.
 * The count of slots is throttled across nodes (PushGate): at most one push per
 * `minIntervalMs` per game, and a push held back is sent at the end of the interval with
 * the latest count. Failing to reach the outbox is logged, never thrown at the game.
 */
export class PushEvents {
  private readonly latest = new Map<string, SlotState>();
  private readonly trailing = new Map<string, unknown>();

  constructor(
    private readonly outbox: PushOutbox,
    private readonly gate: PushGate,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly minIntervalMs: number,
  ) {}

  claimsOpened(gameId: string, slots: SlotState): void {
    this.latest.set(gameId, slots);
    // Sent at once, in order with what follows; the gate is stamped so counts wait an interval.
    this.append("claims", gameId, { state: "open", ...slotData(slots) });
    this.gate.pass(gameId, "claims", slots.version, 0).catch(() => undefined);
  }

  /** A slot state this node committed. */
  slotsMoved(gameId: string, slots: SlotState): void {
    const before = this.latest.get(gameId);
    if (before && before.version >= slots.version) return;
    this.latest.set(gameId, slots);
    if (slots.remaining === 0 && (!before || before.remaining > 0)) {
      this.append("claims-closed", gameId, { reason: "sold-out", ...slotData(slots) });
      return;
    }
    void this.gated(gameId, slots);
  }

  claimsClosed(gameId: string, slots: SlotState): void {
    // Held as if none were left, so no count follows the close.
    this.latest.set(gameId, { ...slots, remaining: 0 });
    this.append("claims-closed", gameId, { reason: "closed", ...slotData(slots) });
  }

  /** The round started (claims are closed now): no count is pushed after this. */
  roundStarted(gameId: string, slots: SlotState): void {
    this.latest.set(gameId, { ...slots, remaining: 0 });
    this.append("round-start", gameId, {});
  }

  won(gameId: string, award: Award): void {
    const players = [...new Set(award.winners.map((w) => w.playerId))];
    this.append("won", gameId, { pattern: award.pattern, ballIndex: String(award.ballIndex), prizeEach: String(award.prizeEach) }, players);
  }

  finished(gameId: string, seed: string): void {
    this.latest.delete(gameId);
    this.append("finished", gameId, { seed });
  }

  /**
   * Forgets a game's last count (no local room any more). Kept while a held-back count
   * waits: it is sent with the latest count when its interval ends.
   */
  forget(gameId: string): void {
    if (!this.trailing.has(gameId)) this.latest.delete(gameId);
  }

  /** Games whose last count is kept. */
  games(): Iterable<string> {
    return this.latest.keys();
  }

  get size(): number {
    return this.latest.size;
  }

  stop(): void {
    for (const timer of this.trailing.values()) this.clock.clearTimeout(timer);
    this.trailing.clear();
  }

  private async gated(gameId: string, slots: SlotState): Promise<void> {
    try {
      const verdict = await this.gate.pass(gameId, "claims", slots.version, this.minIntervalMs);
      if (verdict === "passed") this.append("claims", gameId, { state: "open", ...slotData(slots) });
      else if (verdict === "too-soon" && !this.trailing.has(gameId)) {
        this.trailing.set(
          gameId,
          this.clock.setTimeout(() => {
            this.trailing.delete(gameId);
            const latest = this.latest.get(gameId);
            if (latest && latest.remaining > 0) void this.gated(gameId, latest);
          }, this.minIntervalMs),
        );
      }
    } catch (error) {
      this.log.warn({ err: error instanceof Error ? error.message : error, gameId }, "push gate unavailable");
    }
  }

  private append(kind: PushKind, gameId: string, data: Record<string, string>, players?: string[]): void {
    const event: PushEvent = { kind, gameId, data, at: this.clock.now(), ...(players ? { players } : {}) };
    this.outbox.append(event).catch((error: unknown) => {
      this.log.warn({ err: error instanceof Error ? error.message : error, gameId, kind }, "push outbox unavailable; event not queued");
    });
  }
}

function slotData(slots: SlotState): Record<string, string> {
  return { remaining: String(slots.remaining), total: String(slots.total), version: String(slots.version) };
}
