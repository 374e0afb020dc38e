import type { Award, ProtocolError, RecordedCalls } from "../../../shared/protocol";
import { protocolError } from "../../../shared/protocol";
import type { CallBatchArgs, CallBatchReply } from "../../domain/call-batch";
import {
  CallStatus,
  appendCallOutcome,
  callCardId,
  callCompletions,
  callIsAuto,
  callOutcome,
  callPlayer,
  callRequestId,
  callRequestKey,
  callsIn,
  newCallReply,
  writeSettleAt,
} from "../../domain/call-batch";
import { wrongPhase } from "../../domain/game-errors";
import { splitPrize } from "../../domain/prize-split";
import type { DrawResult, Drawer, Lease, RoundControl, RoundOp, Settled } from "../../ports/game-store";
import type { MemoryGame } from "./memory-game";

/**
 * The round rules of the in-memory store, step for step as ../redis/lua/round.lua
 * (see its header for the claim-window rule and the call log). Each function works on one game.
 */

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ProtocolError };

/**
 * When ball index j's claim window closes: grace after ball j+1 is drawn, or, for the
 * game's last ball, grace after the later of its draw and the pattern coming into play;
 * and never later than grace after the pattern's first valid call (calls up to and
 * including that moment count), so no award waits for a next ball that a host drawing by
 * hand has not drawn. Null while it is open with no end yet.
 */
function windowClose(g: MemoryGame, j: number): number | null {
  const bound = g.firstCallAt >= 0 ? g.firstCallAt + g.graceMs + 1 : null;
  const nextDraw = g.times[j + 1];
  let closes: number | null = null;
  if (nextDraw !== undefined) closes = nextDraw + g.graceMs;
  else if (j + 1 >= g.order.length) closes = Math.max(g.times[j], g.fromAt) + g.graceMs;
  if (bound === null) return closes;
  return closes === null ? bound : Math.min(closes, bound);
}

export function startRound(g: MemoryGame, now: number): Outcome<number> {
  if (g.phase !== "lobby" && g.phase !== "claiming") return { ok: false, error: wrongPhase(g.phase) };
  if (g.phase === "claiming") g.version += 1;
  g.phase = "running";
  g.from = -1;
  g.fromAt = now;
  g.pattern = 0;
  g.pending = -1;
  g.firstCallAt = -1;
  return { ok: true, value: ++g.roundVersion };
}

export function draw(g: MemoryGame, by: Drawer, expected: number | null, now: number): Outcome<DrawResult> {
  if ("leaseToken" in by && (g.lease.token !== by.leaseToken || g.lease.until <= now)) {
    return { ok: false, error: protocolError("FORBIDDEN", "the auto-draw lease moved to another node") };
  }
  if (g.phase !== "running") return { ok: false, error: wrongPhase(g.phase) };
  const drawn = g.times.length;
  if (expected !== null && expected < drawn) {
    return { ok: true, value: { ball: g.order[expected], index: expected, roundVersion: g.roundVersion, drewNow: false, settleAt: null } };
  }
  if (expected !== null && expected > drawn) return { ok: false, error: protocolError("BAD_REQUEST", `the next ball has index ${drawn}`) };
  if (g.paused) return { ok: false, error: wrongPhase("paused") };
  if (drawn >= g.order.length) return { ok: false, error: wrongPhase("all-drawn") };
  g.times.push(now);
  const settleAt = g.pending >= 0 ? windowClose(g, g.pending) : null;
  return { ok: true, value: { ball: g.order[drawn], index: drawn, roundVersion: ++g.roundVersion, drewNow: true, settleAt } };
}

export function acquireLease(g: MemoryGame, owner: string, ttlMs: number, now: number): Lease {
  if (g.phase !== "running" || g.autoIntervalMs === null) return { token: 0, untilMs: 0, autoIntervalMs: null };
  if (g.lease.owner !== owner && g.lease.until > now) return { token: 0, untilMs: g.lease.until, autoIntervalMs: g.autoIntervalMs };
  const token = g.lease.owner === owner ? g.lease.token : g.lease.token + 1;
  g.lease = { owner, token, until: now + ttlMs };
  return { token, untilMs: g.lease.until, autoIntervalMs: g.autoIntervalMs };
}

export function releaseLease(g: MemoryGame, owner: string, token: number): void {
  if (g.lease.owner === owner && g.lease.token === token) g.lease.until = 0;
}

export function controlRound(g: MemoryGame, op: RoundOp): Outcome<RoundControl> {
  if (g.phase !== "running") return { ok: false, error: wrongPhase(g.phase) };
  if (op.op === "pause") g.paused = true;
  else if (op.op === "resume") g.paused = false;
  else g.autoIntervalMs = op.intervalMs;
  return { ok: true, value: { roundVersion: ++g.roundVersion, paused: g.paused, autoIntervalMs: g.autoIntervalMs } };
}

function holds(ranges: readonly number[] | undefined, card: number): boolean {
  if (!ranges) return false;
  for (let i = 0; i + 1 < ranges.length; i += 2) if (card >= ranges[i] && card < ranges[i] + ranges[i + 1]) return true;
  return false;
}

export function resolveCalls(g: MemoryGame, batch: CallBatchArgs, now: number): CallBatchReply {
  const reply = newCallReply();
  const answered = new Map<string, number[]>();
  // This tick's log entries: one per (ball, auto), in order of first appearance.
  const groups = new Map<string, RecordedCalls>();
  const log = (j: number, auto: boolean, cardId: number, playerId: string): void => {
    const called = `${g.pattern}:${cardId}`;
    if (g.called.has(called)) return;
    g.called.add(called);
    const key = `${j}${auto ? "a" : "m"}`;
    let group = groups.get(key);
    if (!group) {
      group = { at: now, pattern: g.pattern, ballIndex: j, auto, cards: [] };
      groups.set(key, group);
    }
    group.cards.push({ cardId, playerId });
  };
  for (let i = 0; i < callsIn(batch); i++) {
    const player = callPlayer(batch, i);
    const card = callCardId(batch, i);
    const auto = callIsAuto(batch, i);
    const key = callRequestKey(player, callRequestId(batch, i));
    const stored = auto ? undefined : (answered.get(key) ?? g.requests.get(key));
    if (stored) {
      appendCallOutcome(reply, stored);
      continue;
    }
    let j = Number(callCompletions(batch, i).split(",")[g.pattern] ?? "-1");
    let status: number = CallStatus.OK;
    let fresh = false;
    if (g.phase !== "running") status = CallStatus.WRONG_PHASE;
    else if (!holds(g.cardRanges.get(player), card)) status = CallStatus.FORBIDDEN;
    else if (auto && g.autoFlags.get(player) === false) status = CallStatus.SKIPPED;
    else if (j < 0 || j >= g.times.length) status = CallStatus.INVALID;
    else {
      // Complete before the pattern came into play: counts on the ball it came into play.
      j = Math.max(j, g.from);
      const closes = windowClose(g, j);
      if (closes !== null && now >= closes) status = CallStatus.INVALID;
      else {
        if (g.firstCallAt < 0) g.firstCallAt = now;
        if (g.pending < 0 || j < g.pending) {
          // An earlier ball completed it: those calls share the prize, later ones do not.
          g.pendingCalls.clear();
          g.pending = j;
        }
        // Only the first valid call of a card for a pattern is new: it alone is recorded.
        fresh = !g.called.has(`${g.pattern}:${card}`);
        // A valid call on a later ball than the pending one is answered OK all the same.
        if (j === g.pending) g.pendingCalls.set(card, player);
        log(j, auto, card, player);
      }
    }
    const outcome = callOutcome(status, g.pattern, status === CallStatus.OK ? j : -1);
    appendCallOutcome(reply, outcome);
    // Only the first valid call of a card for a pattern is stored (as round.lua): refusals and
    // repeats are decided afresh, so a player's calls cannot grow the records without bound.
    if (!auto && fresh) answered.set(key, outcome);
  }
  for (const [key, outcome] of answered) g.requests.set(key, outcome);
  g.callLog.push(...groups.values());
  if (g.pending >= 0) writeSettleAt(reply, windowClose(g, g.pending) ?? -1);
  return reply;
}

/** Makes the pending award when its window has closed (or at once with `force`). */
export function settle(g: MemoryGame, force: boolean, now: number): Settled {
  if (g.phase !== "running" || g.pending < 0) return { awarded: false, settleAt: null };
  const closes = windowClose(g, g.pending);
  if (!force && (closes === null || now < closes)) return { awarded: false, settleAt: closes };
  // Each winner's display name as it is now goes with the award (like names.lua).
  const winners = [...g.pendingCalls]
    .map(([cardId, playerId]) => {
      const name = g.names.get(playerId);
      return name === undefined ? { playerId, cardId } : { playerId, cardId, name };
    })
    .sort((a, b) => a.cardId - b.cardId);
  const { each, remainder } = splitPrize(g.prizes[g.pattern] + g.carry, winners.length);
  const award: Award = { pattern: g.patterns[g.pattern], ballIndex: g.pending, winners, prizeEach: each, remainder };
  g.awards.push({ ...award, at: now, drawn: g.times.length });
  g.pendingCalls.clear();
  g.pending = -1;
  g.firstCallAt = -1;
  g.pattern += 1;
  g.carry = remainder;
  // The next pattern comes into play now: cards already complete count on the last ball drawn.
  g.from = g.times.length - 1;
  g.fromAt = now;
  const finished = g.pattern >= g.patterns.length;
  if (finished) g.phase = "finished";
  return { awarded: true, award, roundVersion: ++g.roundVersion, finished };
}

/** Ends the game; the value says whether a pending award was made on the way. */
export function finish(g: MemoryGame, now: number): Outcome<{ roundVersion: number; awardedNow: boolean }> {
  if (g.phase === "finished") return { ok: false, error: wrongPhase(g.phase) };
  if (g.phase === "claiming") g.version += 1;
  const awardedNow = settle(g, true, now).awarded;
  g.phase = "finished";
  return { ok: true, value: { roundVersion: ++g.roundVersion, awardedNow } };
}
