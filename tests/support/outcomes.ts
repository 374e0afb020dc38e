import type { ClaimBatchReply } from "../../server/domain/claim-batch";
import { cardsGranted, claimStatus, firstCard, outcomeSlots, outcomesIn, slotsAfter } from "../../server/domain/claim-batch";

export interface Outcome {
  status: number;
  first: number;
  granted: number;
  slots: { total: number; remaining: number; version: number };
}

/** Matches no outcome, so outcomeSlots gives each outcome its own slot state. */
const NO_SLOTS = { total: NaN, remaining: NaN, version: NaN };

export function outcomes(reply: ClaimBatchReply): Outcome[] {
  const list: Outcome[] = [];
  for (let i = 0; i < outcomesIn(reply); i++) {
    list.push({ status: claimStatus(reply, i), first: firstCard(reply, i), granted: cardsGranted(reply, i), slots: outcomeSlots(reply, i, NO_SLOTS) });
  }
  return list;
}

export function header(reply: ClaimBatchReply) {
  return slotsAfter(reply);
}
