import type { Logger } from "pino";
import type { Award, SlotState } from "../../shared/protocol";
import type { PushEvent, PushKind, PushStage } from "../domain/push-messages";
import { countBand } from "../domain/push-thresholds";
import type { Clock } from "../ports/clock";
import type { Metrics } from "../ports/metrics";
import { noMetrics } from "../ports/metrics";
import type { PushGate, PushOutbox } from "../ports/push-ports";

/**
 * Turns what happens in a game into outbox entries, once, on the node where it happened.
 * Every phase change goes through the cross-node gate (PushGate) before its entry is
 * queued, so a count seen on one node can never pass after a close, sell-out or round
 * start made on another. A count is pushed only when the remaining slots cross one of
 * `thresholds` (PUSH_COUNT_THRESHOLDS) below the last pushed count of the game, whichever
 * node pushed it; the gate decides that too, so two nodes crossing together push once.
 * Failing to reach the gate or the outbox is logged, never thrown at the game.
 */
export class PushEvents {
  private readonly latest = new Map<string, SlotState>();

  constructor(
    private readonly outbox: PushOutbox,
    private readonly gate: PushGate,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly thresholds: readonly number[],
    private readonly metrics: Pick<Metrics, "pushSuppressed"> = noMetrics,
  ) {}

  claimsOpened(gameId: string, slots: SlotState): void {
    this.latest.set(gameId, slots);
    // The opening's band is recorded: counts start at the next threshold below it.
    void this.phase("open", slots.version, "claims", gameId, { state: "open", opening: "true", ...slotData(slots) }, this.band(slots));
  }

  /** A slot state this node committed. */
  slotsMoved(gameId: string, slots: SlotState): void {
    const before = this.latest.get(gameId);
    if (before && before.version >= slots.version) return;
    this.latest.set(gameId, slots);
    if (slots.remaining === 0 && (!before || before.remaining > 0)) {
      void this.phase("closed", slots.version, "claims-closed", gameId, { reason: "sold-out", ...slotData(slots) });
      return;
    }
    // Only a band this node has not seen yet is worth asking the gate about.
    if (!before || this.band(slots) > this.band(before)) void this.gated(gameId, slots);
  }

  claimsClosed(gameId: string, slots: SlotState): void {
    // Held as if none were left, so this node queues no count after the close.
    this.latest.set(gameId, { ...slots, remaining: 0 });
    void this.phase("closed", slots.version, "claims-closed", gameId, { reason: "closed", ...slotData(slots) });
  }

  /** The round started (claims are closed now): no count is pushed after this. */
  roundStarted(gameId: string, slots: SlotState): void {
    this.latest.set(gameId, { ...slots, remaining: 0 });
    void this.phase("running", slots.version, "round-start", gameId, { version: String(slots.version) });
  }

  won(gameId: string, award: Award): void {
    const players = [...new Set(award.winners.map((w) => w.playerId))];
    this.append("won", gameId, { pattern: award.pattern, ballIndex: String(award.ballIndex), prizeEach: String(award.prizeEach) }, players);
  }

  finished(gameId: string, seed: string): void {
    this.latest.delete(gameId);
    void this.phase("finished", 0, "finished", gameId, { seed });
  }

  /** The host started the next game: the finished game's away players are told where to go. */
  nextGame(gameId: string, nextId: string): void {
    this.append("next", gameId, { next: nextId });
  }

  /** Forgets a game's last count (no local room any more). */
  forget(gameId: string): void {
    this.latest.delete(gameId);
  }

  /** Games whose last count is kept. */
  games(): Iterable<string> {
    return this.latest.keys();
  }

  get size(): number {
    return this.latest.size;
  }

  /** Nothing waits on a timer any more (counts go by thresholds); kept for the app's shutdown order. */
  stop(): void {}

  private band(slots: SlotState): number {
    return countBand(slots.remaining, this.thresholds);
  }

  /** Records the phase change at the gate, then queues its push (one per phase change, whichever node reports it). */
  private async phase(stage: PushStage, version: number, kind: PushKind, gameId: string, data: Record<string, string>, band = 0): Promise<void> {
    try {
      if ((await this.gate.phase(gameId, stage, version, band)) === "stale") {
        this.metrics.pushSuppressed("duplicate-phase");
        return;
      }
    } catch (error) {
      // Better a push that might repeat than none: the sender checks the gate again.
      this.log.warn({ err: error instanceof Error ? error.message : error, gameId }, "push gate unavailable");
    }
    this.append(kind, gameId, data);
  }

  private async gated(gameId: string, slots: SlotState): Promise<void> {
    try {
      const verdict = await this.gate.count(gameId, slots.version, this.band(slots));
      if (verdict === "passed") this.append("claims", gameId, { state: "open", ...slotData(slots) });
      else if (verdict === "stale") this.metrics.pushSuppressed("stale");
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
