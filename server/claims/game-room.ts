import type { SlotState } from "../../shared/protocol";
import { ClaimQueue } from "./claim-queue";

/** One game as this node sees it: its pending claims and the newest slot state it knows. */
export class GameRoom {
  readonly queue = new ClaimQueue();
  private latest: SlotState | null = null;
  private emittedVersion = 0;

  constructor(readonly gameId: string) {}

  /** Keeps `state` if it is newer than any this node knows; true when kept. */
  offer(state: SlotState): boolean {
    if (this.latest && state.version <= this.latest.version) return false;
    this.latest = state;
    return true;
  }

  /** The newest state if this node has not emitted it yet (then counts it as emitted). */
  takeUnemitted(): SlotState | null {
    if (!this.latest || this.latest.version <= this.emittedVersion) return null;
    this.emittedVersion = this.latest.version;
    return this.latest;
  }

  get hasWork(): boolean {
    return this.queue.size > 0 || (this.latest !== null && this.latest.version > this.emittedVersion);
  }

  get idle(): boolean {
    return this.queue.size === 0 && this.latest === null;
  }
}
