import type { StatsMessage } from "../../shared/protocol/state";
import type { GameTracker } from "../common/game-tracker";
import { byTestId, setText } from "../common/dom";

/** Live figures: the host-only `game:stats` (about once a second) and the slot count. */
export class StatsPanel {
  private readonly connected = byTestId("stat-connected");
  private readonly perSecond = byTestId("stat-claims-per-second");
  private readonly largestBatch = byTestId("stat-largest-batch");
  private readonly slotsLeft = byTestId("stat-slots-left");
  private readonly slotsTotal = this.slotsLeft.closest(".figure")?.querySelector(".slots-total") as HTMLElement;

  constructor(private readonly tracker: GameTracker) {
    tracker.client.socket.on("game:stats", (stats) => stats.gameId === tracker.id && this.showStats(stats));
  }

  render(): void {
    const slots = this.tracker.slots;
    // Before the first claim window there is no count: a dash, not "0 of 0".
    setText(this.slotsLeft, slots.version > 0 ? String(slots.remaining) : "–");
    setText(this.slotsTotal, slots.version > 0 ? String(slots.total) : "–");
  }

  private showStats({ connected, claimsPerSecond, largestBatch }: StatsMessage): void {
    setText(this.connected, String(connected));
    setText(this.perSecond, String(claimsPerSecond));
    setText(this.largestBatch, String(largestBatch));
  }
}
