import type { AckFn, Claimed } from "../../shared/protocol";
import type { ClaimBatchArgs } from "../domain/claim-batch";
import { CLAIM_STRIDE } from "../domain/claim-batch";

export type ClaimAck = AckFn<Claimed>;

/** Claims taken from a queue for one store call: args in store layout, acks in the same order. */
export interface ClaimBatch {
  readonly args: ClaimBatchArgs;
  readonly acks: ClaimAck[];
}

/**
 * The claims waiting for a game's next tick, kept in the flat layout the store takes, so
 * a tick hands them over without copying. Two sets of arrays alternate: one fills while
 * the other is in flight, then is emptied and reused.
 */
export class ClaimQueue {
  private filling: ClaimBatch = { args: [], acks: [] };
  private spare: ClaimBatch | null = { args: [], acks: [] };

  get size(): number {
    return this.filling.acks.length;
  }

  push(playerId: string, requestId: string, count: number, ack: ClaimAck): void {
    this.filling.args.push(playerId, requestId, count);
    this.filling.acks.push(ack);
  }

  /**
   * Takes the oldest `max` claims (all when fewer). The rest stay queued for the next tick:
   * back-pressure, never a drop. Hand the batch back with `recycle` once it is answered.
   */
  take(max: number): ClaimBatch {
    const batch = this.filling;
    if (batch.acks.length <= max) {
      this.filling = this.spare ?? { args: [], acks: [] };
      this.spare = null;
      return batch;
    }
    return { args: batch.args.splice(0, max * CLAIM_STRIDE), acks: batch.acks.splice(0, max) };
  }

  recycle(batch: ClaimBatch): void {
    batch.args.length = 0;
    batch.acks.length = 0;
    this.spare = batch;
  }
}
