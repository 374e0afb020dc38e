import type { Logger } from "pino";
import type { Award, SlotState } from "../../shared/protocol";
import type { PushEvent, PushKind, PushStage } from "../domain/push-messages";
import type { Clock } from "../ports/clock";
import type { Metrics } from "../ports/metrics";
import { noMetrics } from "../ports/metrics";
import type { PushGate, PushOutbox } from "../ports/push-ports";

/**
 * Turns what happens in a game into outbox entries, once, on the node where it happened.
 * Every phase change goes through the cross-node gate (PushGate) before its entry is
 * queued, so a count held back on one node can never pass after a close, sell-out or round
 * start made on another. Counts are throttled there too: at most one push per
 * `minIntervalMs` per game, and a push held back is sent at the end of the interval with
 * the latest count this node saw (the gate refuses it when that is no longer the newest).
 * Failing to reach the gate or the outbox is logged, never thrown at the game.
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
    private readonly metrics: Pick<Metrics, "pushSuppressed"> = noMetrics,
  ) {}

  claimsOpened(gameId: string, slots: SlotState): void {
    this.latest.set(gameId, slots);
    // The gate is stamped too, so counts wait an interval after the opening.
    void this.phase("open", slots.version, "claims", gameId, { state: "open", ...slotData(slots) });
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
    void this.gated(gameId, slots);
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

  /** Records the phase change at the gate, then queues its push (one per phase change, whichever node reports it). */
  private async phase(stage: PushStage, version: number, kind: PushKind, gameId: string, data: Record<string, string>): Promise<void> {
    try {
      if ((await this.gate.phase(gameId, stage, version)) === "stale") {
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
      const verdict = await this.gate.count(gameId, slots.version, this.minIntervalMs);
      if (verdict === "passed") this.append("claims", gameId, { state: "open", ...slotData(slots) });
      else if (verdict === "stale") this.metrics.pushSuppressed("stale");
      else if (!this.trailing.has(gameId)) {
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
