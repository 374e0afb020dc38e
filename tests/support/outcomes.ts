import { HEADER, OUTCOME_STRIDE } from "../../server/domain/claim-batch";
import type { ClaimBatchReply } from "../../server/domain/claim-batch";

export interface Outcome {
  status: number;
  first: number;
  granted: number;
  slots: { total: number; remaining: number; version: number };
}

export function outcomes(reply: ClaimBatchReply): Outcome[] {
  const list: Outcome[] = [];
  for (let at = HEADER; at < reply.length; at += OUTCOME_STRIDE) {
    list.push({
      status: reply[at],
      first: reply[at + 1],
      granted: reply[at + 2],
      slots: { total: reply[at + 3], remaining: reply[at + 4], version: reply[at + 5] },
    });
  }
  return list;
}

export function header(reply: ClaimBatchReply) {
  return { total: reply[0], remaining: reply[1], version: reply[2] };
}
