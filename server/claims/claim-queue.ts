import type { AckFn, CallAccepted, Claimed } from "../../shared/protocol";
import { CALL_STRIDE, appendCall } from "../domain/call-batch";
import { CLAIM_STRIDE, appendClaim } from "../domain/claim-batch";

export type ClaimAck = AckFn<Claimed>;
/** Null for a call the server made itself (auto-claim): nobody waits for its answer. */
export type CallAck = AckFn<CallAccepted> | null;

/** Entries taken from a queue for one store call: args in store layout, acks in the same order. */
export interface Batch<A> {
  readonly args: (string | number)[];
  readonly acks: A[];
}

/**
 * What waits for a game's next tick, kept in the flat layout the store takes (`stride`
 * fields per entry), so a tick hands it over without copying. Two sets of arrays
 * alternate: one fills while the other is in flight, then is emptied and reused.
 */
export class BatchQueue<A> {
  private filling: Batch<A> = { args: [], acks: [] };
  private spare: Batch<A> | null = { args: [], acks: [] };

  constructor(private readonly stride: number) {}

  get size(): number {
    return this.filling.acks.length;
  }

  /** Adds one entry's ack and returns the args array to push its `stride` fields onto. */
  protected append(ack: A): (string | number)[] {
    this.filling.acks.push(ack);
    return this.filling.args;
  }

  /**
   * Takes the oldest `max` entries (all when fewer). The rest stay queued for the next tick:
   * back-pressure, never a drop. Hand the batch back with `recycle` once it is answered.
   */
  take(max: number): Batch<A> {
    const batch = this.filling;
    if (batch.acks.length <= max) {
      this.filling = this.spare ?? { args: [], acks: [] };
      this.spare = null;
      return batch;
    }
    return { args: batch.args.splice(0, max * this.stride), acks: batch.acks.splice(0, max) };
  }

  recycle(batch: Batch<A>): void {
    batch.args.length = 0;
    batch.acks.length = 0;
    this.spare = batch;
  }
}

export type ClaimBatch = Batch<ClaimAck>;

/** Card claims: [playerId, requestId, count] per entry. */
export class ClaimQueue extends BatchQueue<ClaimAck> {
  constructor() {
    super(CLAIM_STRIDE);
  }

  push(playerId: string, requestId: string, count: number, ack: ClaimAck): void {
    appendClaim(this.append(ack), playerId, requestId, count);
  }
}

/** Bingo calls: [playerId, requestId, cardId, completions, auto] per entry. */
export class CallQueue extends BatchQueue<CallAck> {
  constructor() {
    super(CALL_STRIDE);
  }

  push(playerId: string, requestId: string, cardId: number, completions: string, ack: CallAck): void {
    appendCall(this.append(ack), playerId, requestId, cardId, completions, ack === null);
  }
}
