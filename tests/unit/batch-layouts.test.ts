import { CallStatus, appendCall, appendCallOutcome, callBallIndex, callCardId, callCompletions, callIsAuto, callOutcome, callOutcomesIn, callPattern, callPlayer, callRequestId, callStatus, callsIn, newCallReply, settleAtOf, writeSettleAt } from "../../server/domain/call-batch";
import type { ClaimBatchArgs } from "../../server/domain/claim-batch";
import {
  ClaimStatus,
  appendClaim,
  cardsGranted,
  claimCount,
  claimPlayer,
  claimRequestId,
  claimStatus,
  claimsIn,
  firstCard,
  newClaimReply,
  outcomeSlots,
  outcomesIn,
  slotsAfter,
  storedOutcome,
  writeDecision,
  writeOutcomeSlots,
  writeSlotsAfter,
  writeStoredOutcome,
} from "../../server/domain/claim-batch";

describe("the claim batch layout", () => {
  test("what is appended is read back, claim by claim", () => {
    const args: ClaimBatchArgs = [];
    appendClaim(args, "p1", "r1", 2);
    appendClaim(args, "p2", "r2", 5);
    expect(claimsIn(args)).toBe(2);
    expect([claimPlayer(args, 1), claimRequestId(args, 1), claimCount(args, 1)]).toEqual(["p2", "r2", 5]);
    // The layout the Redis function takes as its argument list.
    expect(args).toEqual(["p1", "r1", 2, "p2", "r2", 5]);
  });

  test("a written reply reads back; the batch's own state is shared, an older one is not", () => {
    const reply = newClaimReply(2);
    const after = { total: 10, remaining: 7, version: 4 };
    writeSlotsAfter(reply, after);
    writeDecision(reply, 0, ClaimStatus.GRANTED, 1, 3);
    writeOutcomeSlots(reply, 0, after);
    writeStoredOutcome(reply, 1, [ClaimStatus.SOLD_OUT, 0, 0, 10, 0, 9]);
    expect(outcomesIn(reply)).toBe(2);
    expect(slotsAfter(reply)).toEqual(after);
    expect([claimStatus(reply, 0), firstCard(reply, 0), cardsGranted(reply, 0)]).toEqual([ClaimStatus.GRANTED, 1, 3]);
    expect(outcomeSlots(reply, 0, after)).toBe(after);
    expect(outcomeSlots(reply, 1, after)).toEqual({ total: 10, remaining: 0, version: 9 });
    expect(storedOutcome(reply, 0)).toEqual([ClaimStatus.GRANTED, 1, 3, 10, 7, 4]);
    expect(reply).toEqual([10, 7, 4, 0, 1, 3, 10, 7, 4, 1, 0, 0, 10, 0, 9]);
  });
});

describe("the call batch layout", () => {
  test("what is appended is read back", () => {
    const args: (string | number)[] = [];
    appendCall(args, "p1", "r1", 7, "3,-1", false);
    appendCall(args, "p2", "auto", 9, "-1,4", true);
    expect(callsIn(args)).toBe(2);
    expect([callPlayer(args, 0), callRequestId(args, 0), callCardId(args, 0), callCompletions(args, 0), callIsAuto(args, 0)]).toEqual(["p1", "r1", 7, "3,-1", false]);
    expect(callIsAuto(args, 1)).toBe(true);
    expect(args).toEqual(["p1", "r1", 7, "3,-1", 0, "p2", "auto", 9, "-1,4", 1]);
  });

  test("a written reply reads back", () => {
    const reply = newCallReply();
    expect(settleAtOf(reply)).toBe(-1);
    appendCallOutcome(reply, callOutcome(CallStatus.OK, 1, 12));
    appendCallOutcome(reply, callOutcome(CallStatus.INVALID, 1, -1));
    writeSettleAt(reply, 5000);
    expect(callOutcomesIn(reply)).toBe(2);
    expect([callStatus(reply, 0), callPattern(reply, 0), callBallIndex(reply, 0)]).toEqual([CallStatus.OK, 1, 12]);
    expect(callStatus(reply, 1)).toBe(CallStatus.INVALID);
    expect(reply).toEqual([5000, 0, 1, 12, 1, 1, -1]);
  });
});
