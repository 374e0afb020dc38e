import { verifyRecord } from "../../server/domain/game-record";
import type { PublicRecord, WinnersMessage } from "../../shared/protocol";
import { DEFAULT_AWARD_WINNERS_SHOWN, publicRecordSchema } from "../../shared/protocol";
import { noticeOf } from "../../shared/game/award-notice";
import { awardKey } from "./award-key";
import { Fleet, within } from "./fleet";
import type { LatencySummary } from "./histogram";
import { summarize } from "./histogram";
import type { BingoReport } from "./protocol";

export interface BurstOptions {
  readonly redisUrl: string;
  readonly players: number;
  readonly nodes: number;
  readonly workers: number;
  /** NODE_OPTIONS for the nodes (bench --node-options). */
  readonly nodeOptions?: string;
  /** Settings for this server's nodes (bench --node-env), e.g. { MAX_HANDSHAKES: "1000" }. */
  readonly nodeSettings?: Readonly<Record<string, string>>;
  readonly cardsPerPlayer: number;
  /**
   * Balls the host draws back to back. Players start checking their cards on the last one,
   * so every card completed by then is called at once, from every node: the burst.
   */
  readonly balls: number;
  /** The nodes' CLAIM_GRACE_MS: long enough that every call of the burst is still in time. */
  readonly claimGraceMs: number;
}

export interface BurstResult {
  readonly scenario: "bingo-burst";
  readonly players: number;
  readonly connected: number;
  readonly cards: number;
  readonly balls: number;
  readonly calls: number;
  readonly accepted: number;
  readonly lost: number;
  /** Calls first answered OUTCOME_UNKNOWN, settled by repeating them as the SDK does. */
  readonly settledUnknown: number;
  /** Refusals by code. By the fair-winner rule a call for a later ball than the earliest one called is INVALID_CLAIM. */
  readonly refusals: Record<string, number>;
  /** Refused calls for a later ball than the awarded one: by the fair-winner rule. */
  readonly refusedLaterBall: number;
  /**
   * Refused calls whose ball's window (CLAIM_GRACE_MS after the next ball) had closed before
   * they were answered: too late, by the rule. Players look only at the last ball of the
   * run, so on a slow machine the early completions can miss their window.
   */
  readonly refusedLate: number;
  /** Refused calls for the awarded ball or earlier, answered while their window was still open (by the store's times): must be 0. */
  readonly wronglyRefused: number;
  /** The longest a draw's emit stamp (`at`, the node's clock) came after its store time (the record's `drawnAt`). */
  readonly drawStampLagMs: number;
  /** Accepted calls whose ball (the server's) differs from the player's own check. */
  readonly ballMismatches: number;
  readonly callsPerSecond: number;
  readonly latencyMs: LatencySummary;
  /** The award of the first pattern: its ball and how many shared it. */
  readonly awardBall: number;
  readonly winners: number;
  /**
   * The award's `winners` room message as JSON, in bytes: every client of the game receives
   * it, so it costs the nodes (and the clients) this many bytes times the audience.
   */
  readonly awardMessageBytes: number;
  /** Accepted calls for the earliest ball that are not among the winners, and winners no accepted call names. */
  readonly missingWinners: number;
  readonly unexpectedWinners: number;
  /** Winners whose player does not own the card (by the claim answers). */
  readonly wrongOwners: number;
  readonly splitCorrect: boolean;
  /** The public record passes the verifier (seed, draws, cards, completion, split). */
  readonly recordVerified: boolean;
  readonly recordProblems: string[];
  /** Clients that saw no `winners`, or a different one from the record's award. */
  readonly clientsWithoutAward: number;
  readonly clientsWithOtherAward: number;
  /** Winning cards whose player got no `bingo:won` naming it, and cards a `bingo:won` named that did not win. */
  readonly winnersNotTold: number;
  readonly wrongTold: number;
  readonly autoClaimOffFailed: number;
}

const PRIZES = [1_000_003, 500_000];
const WAIT_MS = 60_000;

/**
 * Players play by hand (auto-claim off) and call bingo when their own check says a card
 * completes the pattern; the host draws a run of balls back to back and the players look
 * at their cards on the last one, so the calls of every node's players arrive together. Then the award is checked against the calls, the
 * clients and the public record.
 */
export async function runBingoBurst(o: BurstOptions): Promise<BurstResult> {
  const fleet = await Fleet.start({
    ...o,
    target: "bingo",
    nodeEnv: { CLAIM_GRACE_MS: String(o.claimGraceMs) },
    game: { title: "bingo burst", variant: 75, patterns: ["line", "full-house"], prizes: PRIZES },
  });
  try {
    const host = fleet.hostClient;
    const { gameId } = fleet;
    const cards = fleet.connected * o.cardsPerPlayer;
    const opened = await host.openClaims({ gameId, totalSlots: cards, maxPerPlayer: o.cardsPerPlayer });
    if (!opened.ok) throw new Error(`open: ${opened.error.code}`);
    const claims = (await fleet.ask({ type: "claim", count: o.cardsPerPlayer, repeatEvery: 0 }, "claimed")).map((m) => m.report);
    const owner = new Map<number, string>();
    for (const r of claims) for (let i = 0; i < r.grants.length; i += 2) owner.set(r.grants[i + 1], `lp-${r.grants[i]}`);
    const autoOff = await fleet.ask({ type: "auto-off" }, "auto-off");
    await fleet.ask({ type: "play", pattern: "line", fromIndex: o.balls - 1 }, "playing");
    const started = await host.startRound(gameId);
    if (!started.ok) throw new Error(`round:start: ${started.error.code}`);

    const winnersSeen = fleet.all("winners-seen");
    let lastSeen: Promise<unknown> = Promise.resolve();
    for (let i = 0; i < o.balls; i++) {
      lastSeen = fleet.all("draw-seen");
      await fleet.draw();
    }
    await within(lastSeen, WAIT_MS);
    await within(winnersSeen, WAIT_MS + o.claimGraceMs);
    const reports = (await fleet.ask({ type: "bingo-report" }, "bingo-report")).map((m) => m.report);
    const ended = await host.endGame(gameId);
    if (!ended.ok) throw new Error(`round:end: ${ended.error.code}`);
    const record = await fetchRecord(fleet.nodes[fleet.nodes.length - 1].url, gameId);

    const accepted = reports.flatMap((r) => r.acceptedCalls);
    const earliest = Math.min(...accepted.filter((_, i) => i % 2 === 1));
    const expected = new Set(accepted.filter((_, i) => i % 2 === 0 && accepted[i + 1] === earliest));
    const award = record.awards[0];
    const awarded = new Set(award?.winners.map((w) => w.cardId) ?? []);
    const verdict = verifyRecord(record);
    const expectedKey = award ? awardKey(awardMessage(gameId, award)) : "";
    const seen = new Map<string, number>();
    for (const r of reports) for (const [key, n] of Object.entries(r.winnersSeen)) seen.set(key, (seen.get(key) ?? 0) + n);
    const sawAward = seen.get(expectedKey) ?? 0;
    const told = new Set(reports.flatMap((r) => r.toldWins));
    const owed = new Set(award?.winners.map((w) => `${w.playerId}#${w.cardId}@${award.pattern}`) ?? []);
    const sawAny = [...seen.values()].reduce((a, b) => a + b, 0);
    const refusals: Record<string, number> = {};
    for (const r of reports) for (const [code, n] of Object.entries(r.refusals)) refusals[code] = (refusals[code] ?? 0) + n;
    const first = Math.min(...reports.map((r) => r.firstSentAt).filter((t) => t > 0));
    const last = Math.max(...reports.map((r) => r.lastAnsweredAt));
    const answered = reports.reduce((n, r) => n + r.accepted, 0) + Object.values(refusals).reduce((a, b) => a + b, 0);
    return {
      scenario: "bingo-burst",
      players: o.players,
      connected: fleet.connected,
      cards,
      balls: o.balls,
      calls: reports.reduce((n, r) => n + r.calls, 0),
      accepted: reports.reduce((n, r) => n + r.accepted, 0),
      lost: reports.reduce((n, r) => n + r.lost, 0),
      settledUnknown: reports.reduce((n, r) => n + r.settledUnknown, 0),
      refusals,
      ...classifyRefusals(reports, award?.ballIndex ?? -1, record),
      drawStampLagMs: Math.max(0, ...record.drawnAt.map((stored, i) => (reports.find((r) => r.drawAt[i] !== undefined)?.drawAt[i] ?? stored) - stored)),
      ballMismatches: reports.reduce((n, r) => n + r.ballMismatches, 0),
      callsPerSecond: last > first ? Math.round((answered * 1000) / (last - first)) : answered,
      latencyMs: summarize(reports.map((r) => r.latency)),
      awardBall: award?.ballIndex ?? -1,
      winners: awarded.size,
      awardMessageBytes: award ? Buffer.byteLength(JSON.stringify(awardMessage(gameId, award))) : 0,
      missingWinners: [...expected].filter((id) => !awarded.has(id)).length,
      unexpectedWinners: [...awarded].filter((id) => !expected.has(id)).length,
      wrongOwners: award?.winners.filter((w) => owner.get(w.cardId) !== w.playerId).length ?? 0,
      splitCorrect: award !== undefined && award.prizeEach === Math.floor(PRIZES[0] / award.winners.length) && award.remainder === PRIZES[0] - award.prizeEach * award.winners.length,
      recordVerified: verdict.ok,
      recordProblems: verdict.ok ? [] : verdict.problems.slice(0, 5),
      clientsWithoutAward: fleet.connected - sawAny,
      clientsWithOtherAward: sawAny - sawAward,
      winnersNotTold: [...owed].filter((win) => !told.has(win)).length,
      wrongTold: [...told].filter((win) => !owed.has(win)).length,
      autoClaimOffFailed: autoOff.reduce((n, m) => n + m.failed, 0),
    };
  } finally {
    await fleet.close();
  }
}

/**
 * The `winners` message the nodes broadcast for `award`, with the nodes' default number of
 * winners listed (its round version stands in as 0: a few bytes).
 */
function awardMessage(gameId: string, award: PublicRecord["awards"][number]): WinnersMessage {
  const { pattern, ballIndex, winners, winnerCount, prizeEach } = noticeOf(award, DEFAULT_AWARD_WINNERS_SHOWN);
  return { gameId, pattern, ballIndex, winners, winnerCount, prizeEach, version: 0 };
}

/**
 * Sorts refused calls into those the fair-winner rule explains and those it does not, by
 * the times the rule is defined on: the store's (the public record's `drawnAt` and its
 * accepted calls' `at`, Redis's clock, the same machine's as the workers'). Ball j's window
 * closes grace after ball j+1 was drawn, and no later than grace (+1 ms) after the
 * pattern's first accepted call. The draws' `at` stamps are no substitute: a node stamps a
 * draw when it emits it, after the store's reply, and with 13 processes on 2 cores that
 * came up to seconds later, which made refusals judged after the true close look early.
 */
export function classifyRefusals(reports: readonly Pick<BingoReport, "refusedCalls">[], awardBall: number, record: Pick<PublicRecord, "drawnAt" | "graceMs" | "calls">) {
  const firstCall = record.calls.find((c) => c.pattern === 0)?.at;
  const bound = firstCall === undefined ? Infinity : firstCall + record.graceMs + 1;
  let refusedLaterBall = 0;
  let refusedLate = 0;
  let wronglyRefused = 0;
  for (const r of reports) {
    for (let i = 0; i < r.refusedCalls.length; i += 4) {
      const [ball, answeredAt] = [r.refusedCalls[i + 1], r.refusedCalls[i + 3]];
      const next = record.drawnAt[ball + 1];
      const closes = Math.min(next === undefined ? Infinity : next + record.graceMs, bound);
      // The store judged the call somewhere between its sending and its answer: only an answer
      // that came before the window closed proves the window was open when it was judged.
      if (ball > awardBall) refusedLaterBall++;
      else if (answeredAt >= closes) refusedLate++;
      else wronglyRefused++;
    }
  }
  return { refusedLaterBall, refusedLate, wronglyRefused };
}

async function fetchRecord(url: string, gameId: string): Promise<PublicRecord> {
  const response = await fetch(`${url}/api/games/${gameId}/record`);
  if (!response.ok) throw new Error(`record: ${response.status} ${await response.text()}`);
  return publicRecordSchema.parse(await response.json());
}
