import type { PublicRecord } from "../protocol/record";
import { cardGrid } from "./cards";
import { completionIndex, drawPositions } from "./completion";

/** A recorded call that holds up against the draws, the times and the grace. */
interface ValidCall {
  readonly cardId: number;
  readonly playerId: string;
  readonly ballIndex: number;
}

/**
 * For each pattern, the index of the last ball drawn when it came into play: -1 for the
 * first; for the next ones, the last ball drawn when the previous award was made. A card
 * already complete then counts as completing on that ball.
 */
export function inPlayFrom(record: PublicRecord): number[] {
  return record.patterns.map((_, p) => (p === 0 ? -1 : (record.awardTimes[p - 1]?.drawn ?? 0) - 1));
}

/** Checks the times of the draws and awards: complete, in order, and consistent with each other. */
export function checkTimes(record: PublicRecord, problems: string[]): boolean {
  const { draws, drawnAt, awards, awardTimes } = record;
  const before = problems.length;
  if (drawnAt.length !== draws.length) problems.push(`There are ${drawnAt.length} draw times for ${draws.length} draws.`);
  drawnAt.forEach((at, i) => {
    if (i > 0 && at < drawnAt[i - 1]) problems.push(`Draw ${i} is timed ${at}, before draw ${i - 1} (${drawnAt[i - 1]}).`);
  });
  if (awardTimes.length !== awards.length) problems.push(`There are ${awardTimes.length} award times for ${awards.length} awards.`);
  awardTimes.forEach(({ at, drawn }, i) => {
    if (i > 0 && at < awardTimes[i - 1].at) problems.push(`Award ${i} is timed ${at}, before award ${i - 1}.`);
    if (drawn > draws.length) problems.push(`Award ${i} names ${drawn} balls drawn, but only ${draws.length} were.`);
    else if ((drawn > 0 && drawnAt[drawn - 1] > at) || (drawn < drawnAt.length && drawnAt[drawn] < at)) {
      problems.push(`Award ${i} is timed ${at} with ${drawn} balls drawn, which the draw times contradict.`);
    }
  });
  return problems.length === before;
}

/**
 * Recomputes every award from the accepted calls alone: each recorded call must be a card
 * completing its pattern on its ball (never before the pattern came into play), made after
 * that ball was drawn, before its window closed (graceMs after the next ball, and at most
 * graceMs after the pattern's first accepted call) and while
 * the pattern was in play; each award must go to exactly the valid calls on the earliest
 * ball among them, and be made once that ball's window closed (only the last award may be
 * made earlier: the host ended the game).
 */
export function checkCalls(record: PublicRecord, problems: string[]): void {
  const { seed, variant, draws, drawnAt, graceMs, patterns, awards, awardTimes, calls } = record;
  let positions: Int32Array;
  try {
    positions = drawPositions(draws);
  } catch {
    return; // the draws are reported broken already
  }
  const from = inPlayFrom(record);
  const valid: ValidCall[][] = patterns.map(() => []);
  const seen = new Set<string>();
  // When each pattern's first call was accepted (the log holds every card's first call).
  const firstCall = patterns.map((_, p) => Math.min(...calls.filter((entry) => entry.pattern === p).map((entry) => entry.at)));
  // Ball j's window closes grace after ball j+1; the last ball of the variant has none, so
  // its window closes grace after the later of its draw and the pattern coming into play
  // (the previous award's time; the round's start is before any draw). Either way it
  // closes no later than grace after the pattern's first call (calls in that very ms count).
  const closes = (j: number, p: number): number => Math.min(nextBallClose(j, p), (firstCall[p] ?? Infinity) + graceMs + 1);
  const nextBallClose = (j: number, p: number): number => {
    if (j + 1 < drawnAt.length) return drawnAt[j + 1] + graceMs;
    if (j + 1 < variant || j >= drawnAt.length) return Infinity;
    return Math.max(drawnAt[j], p > 0 && awardTimes[p - 1] ? awardTimes[p - 1].at : -Infinity) + graceMs;
  };

  calls.forEach((entry, k) => {
    const { at, pattern: p, ballIndex, auto } = entry;
    const name = patterns[p];
    if (k > 0 && at < calls[k - 1].at) problems.push(`Call entry ${k} is timed ${at}, before the entry above it.`);
    if (name === undefined) return problems.push(`Call entry ${k} is for pattern ${p}, which the game does not have.`);
    const kind = auto ? "auto-claim call" : "call";
    if (p > 0 && awardTimes[p - 1] && at < awardTimes[p - 1].at) problems.push(`Call entry ${k} (${name}) at ${at} was made before ${name} came into play.`);
    if (awardTimes[p] && at > awardTimes[p].at) problems.push(`Call entry ${k} (${name}) at ${at} was made after ${name} was awarded.`);
    for (const { cardId, playerId } of entry.cards) {
      const key = `${p}:${cardId}`;
      if (seen.has(key)) problems.push(`Card ${cardId}'s ${name} call is recorded twice.`);
      seen.add(key);
      let completes: number;
      try {
        completes = completionIndex(cardGrid(seed, variant, cardId), name, positions);
      } catch (error) {
        problems.push(`The ${kind} on card ${cardId} for ${name} (entry ${k}) cannot be checked (${(error as Error).message}).`);
        continue;
      }
      if (completes >= draws.length) {
        problems.push(`The ${kind} on card ${cardId} for ${name} (entry ${k}) is accepted, but the card does not complete ${name} within the draws.`);
        continue;
      }
      const j = Math.max(completes, from[p]);
      if (j !== ballIndex) {
        problems.push(`The ${kind} on card ${cardId} for ${name} (entry ${k}) is recorded on ball ${ballIndex}, but the card completes it on ball ${j}.`);
      } else if (drawnAt[j] > at) {
        problems.push(`The ${kind} on card ${cardId} for ${name} (entry ${k}) at ${at} was made before ball ${j} was drawn (${drawnAt[j]}).`);
      } else if (at >= closes(j, p)) {
        problems.push(`The ${kind} on card ${cardId} for ${name} (entry ${k}) at ${at} was too late: ball ${j}'s window closed at ${closes(j, p)}.`);
      } else {
        valid[p].push({ cardId, playerId, ballIndex: j });
      }
    }
  });

  patterns.forEach((name, p) => {
    const award = awards[p];
    if (!award) {
      if (valid[p].length > 0) problems.push(`Pattern ${p} (${name}) has valid calls but no award.`);
      return;
    }
    if (valid[p].length === 0) return problems.push(`Award ${p} (${name}) has no valid call behind it.`);
    const earliest = Math.min(...valid[p].map((c) => c.ballIndex));
    if (award.ballIndex !== earliest) problems.push(`Award ${p} (${name}) is on ball ${award.ballIndex}, but the earliest valid call is on ball ${earliest}.`);
    const due = new Map(valid[p].filter((c) => c.ballIndex === earliest).map((c) => [c.cardId, c.playerId]));
    for (const { cardId, playerId } of award.winners) {
      const caller = due.get(cardId);
      if (caller === undefined) problems.push(`Award ${p} (${name}) lists card ${cardId}, which has no valid call on ball ${earliest}.`);
      else if (caller !== playerId) problems.push(`Award ${p} (${name}) names ${playerId} for card ${cardId}, which ${caller} called.`);
      due.delete(cardId);
    }
    for (const [cardId, playerId] of due) problems.push(`Award ${p} (${name}) leaves out card ${cardId} of ${playerId}, a valid call on ball ${earliest}.`);
    const time = awardTimes[p];
    const last = p === awards.length - 1;
    if (time && time.drawn <= award.ballIndex) problems.push(`Award ${p} (${name}) on ball ${award.ballIndex} was made with only ${time.drawn} balls drawn.`);
    else if (time && time.at < closes(award.ballIndex, p) && !last) {
      problems.push(`Award ${p} (${name}) was made at ${time.at}, before ball ${award.ballIndex}'s window closed.`);
    }
  });
}
