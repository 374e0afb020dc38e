import type { SlotState } from "../../shared/protocol";
import { CallQueue, ClaimQueue } from "./claim-queue";

/** One game as this node sees it: what waits for the next tick, and the newest slot state it knows. */
export class GameRoom {
  readonly claims = new ClaimQueue();
  readonly calls = new CallQueue();
  /** The next tick asks the store to make the pending award. */
  settleDue = false;
  /** When a settle is scheduled (store-clock ms), and its timer. */
  settleAt: number | null = null;
  settleTimer: unknown = null;
  /** When this node last emitted the room's slot state (clock ms). */
  emittedAt = -Infinity;
  /** Least time until the next emit of the slot state: the engine sets it from the last emit's cost. */
  slotsWaitMs = 0;
  /** A `slots` emit to this node's members is still writing: the next waits for it. */
  emitting = false;
  private latest: SlotState | null = null;
  private emittedVersion = 0;

  constructor(readonly gameId: string) {}

  /** Keeps `state` if it is newer than any this node knows; true when kept. */
  offer(state: SlotState): boolean {
    if (this.latest && state.version <= this.latest.version) return false;
    this.latest = state;
    return true;
  }

  /** The newest state this node knows (an emit in progress sends it to its remaining members). */
  get newest(): SlotState | null {
    return this.latest;
  }

  /** The newest state if this node has not emitted it yet (then counts it as emitted). */
  takeUnemitted(): SlotState | null {
    if (!this.latest || this.latest.version <= this.emittedVersion) return null;
    this.emittedVersion = this.latest.version;
    return this.latest;
  }

  /** A newer slot state than this node emitted waits. */
  get hasUnemitted(): boolean {
    return this.latest !== null && this.latest.version > this.emittedVersion;
  }

  /** Something for the store on the next tick. */
  get hasStoreWork(): boolean {
    return this.claims.size > 0 || this.calls.size > 0 || this.settleDue;
  }

  get idle(): boolean {
    return !this.hasStoreWork && this.latest === null && this.settleAt === null;
  }
}
