/**
 * One load-generator process: holds a share of the simulated players (a Crowd) and acts
 * for them when the coordinator says so: claim cards, play bingo by hand, drop and rejoin.
 */
import { isComplete } from "../../shared/game/patterns";
import type { JoinSnapshot, PatternName } from "../../shared/protocol";
import { Crowd } from "./crowd";
import { LatencyHistogram } from "./histogram";
import type { BingoReport, ClaimReport, FromWorker, JoinReport, ToWorker } from "./protocol";
import type { Answer, CallAnswer, ClaimAnswer } from "./settled-request";
import { NO_VERDICT, settledRequest } from "./settled-request";

let crowd: Crowd;
/** What the players' bingo play reports once its calls have settled (set by `play`). */
let report: () => Promise<BingoReport> = async () => {
  throw new Error("bingo-report before play");
};
const send = (message: FromWorker): void => void process.send?.(message);

type JoinAnswer = { ok: true; game: JoinSnapshot } | { ok: false };

async function claim(count: number, repeatEvery: number): Promise<ClaimReport> {
  const latency = new LatencyHistogram();
  const grants: number[] = [];
  const ackTimes: number[] = [];
  const refusals: Record<string, number> = {};
  let acked = 0;
  let lost = 0;
  let contradictions = 0;
  let settledUnknown = 0;
  const { gameId, firstPlayer } = crowd.setup;
  await Promise.all(
    crowd.sockets.map(async (socket, i) => {
      if (!socket) return;
      const player = firstPlayer + i;
      const requestId = `storm-${player}`;
      const started = performance.now();
      const { answer: first, unknown } = await settledRequest<ClaimAnswer>(socket, "cards:claim", { gameId, count, requestId });
      if (unknown) settledUnknown++;
      if (!first) {
        lost++;
        return;
      }
      acked++;
      ackTimes.push(Date.now());
      latency.add(performance.now() - started);
      if (first.ok) {
        crowd.cards[i] = first.cards ?? [];
        if (first.slots) crowd.acked(i, first.slots);
        for (const card of first.cards ?? []) grants.push(player, card.id);
      } else refusals[first.error!.code] = (refusals[first.error!.code] ?? 0) + 1;
      // Some players repeat their claim with the same requestId: the answer must not change.
      if (repeatEvery > 0 && player % repeatEvery === 0) {
        const { answer: again } = await settledRequest<ClaimAnswer>(socket, "cards:claim", { gameId, count, requestId });
        if (!again || JSON.stringify(again.cards?.map((c) => c.id) ?? again.error?.code) !== JSON.stringify(first.cards?.map((c) => c.id) ?? first.error?.code)) contradictions++;
      }
    }),
  );
  const { fluctuations, slotsMessages, remainingSeries } = crowd;
  return { acked, lost, settledUnknown, latency: latency.buckets(), ackTimes, grants, refusals, contradictions, fluctuations, slotsMessages, slotsLatency: crowd.slotsLatency.buckets(), remainingSeries };
}

/** How long `settle` waits for every player to hold a slot version, and how often it looks. */
const SETTLE_TIMEOUT_MS = 10_000;
const SETTLE_POLL_MS = 20;

/** Waits until every connected player holds slot version `version`, or the timeout; the players still lacking it. */
async function settle(version: number): Promise<number> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  while (crowd.lackingVersion(version) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
  return crowd.lackingVersion(version);
}

/** Every player joins the game again, all at once, and the answers' latency is kept. */
async function joinAll(): Promise<JoinReport> {
  const latency = new LatencyHistogram();
  let answered = 0;
  let ok = 0;
  let lost = 0;
  await Promise.all(
    crowd.sockets.map(async (socket, i) => {
      if (!socket) return;
      const started = performance.now();
      const answer = (await socket.timeout(60_000).emitWithAck("game:join", crowd.joinPayload(i)).catch(() => null)) as JoinAnswer | null;
      if (!answer) return void lost++;
      latency.add(performance.now() - started);
      answered++;
      if (answer.ok && crowd.holdsItsCards(i, answer.game)) ok++;
    }),
  );
  return { answered, ok, lost, latency: latency.buckets() };
}

async function autoOff(): Promise<FromWorker> {
  let ok = 0;
  await Promise.all(
    crowd.sockets.map(async (socket) => {
      const answer = (await socket?.timeout(30_000).emitWithAck("bingo:auto", { gameId: crowd.setup.gameId, enabled: false }).catch(() => null)) as Answer | null;
      if (answer?.ok) ok++;
    }),
  );
  return { type: "auto-off", ok, failed: crowd.sockets.length - ok };
}

/**
 * Players check their own cards (with the shared pattern check, as a player app does) and
 * call bingo the moment one completes the pattern in play. They start looking at draw
 * `fromIndex`, so every card completed by then is called on that one draw: the burst.
 */
function play(pattern: PatternName, fromIndex: number): void {
  const called = new Set<number>();
  const prefixes: number[][] = [];
  const latency = new LatencyHistogram();
  const refusals: Record<string, number> = {};
  const acceptedCalls: number[] = [];
  const refusedCalls: number[] = [];
  let ballMismatches = 0;
  const pending: Promise<void>[] = [];
  const times = { first: 0, last: 0 };
  let accepted = 0;
  let lost = 0;
  let settledUnknown = 0;
  const drawnUpTo = (index: number): number[] => (prefixes[index] ??= crowd.draws.slice(0, index + 1));
  crowd.onDraw = (i, index) => {
    const socket = crowd.sockets[i];
    if (!socket || index < fromIndex) return;
    for (const card of crowd.cards[i]) {
      if (called.has(card.id) || !isComplete(card.grid, pattern, drawnUpTo(index))) continue;
      called.add(card.id);
      // The ball that completed it, for checking the server's answer.
      let completedOn = index;
      while (completedOn > 0 && isComplete(card.grid, pattern, drawnUpTo(completedOn - 1))) completedOn--;
      crowd.calls++;
      const started = performance.now();
      const sentAt = Date.now();
      if (times.first === 0) times.first = sentAt;
      pending.push(
        settledRequest<CallAnswer>(socket, "bingo:call", { gameId: crowd.setup.gameId, cardId: card.id, requestId: `call-${card.id}` }).then(({ answer, unknown }) => {
          if (unknown) settledUnknown++;
          if (!answer) return void lost++;
          times.last = Date.now();
          latency.add(performance.now() - started);
          if (answer.ok) {
            accepted++;
            acceptedCalls.push(card.id, answer.ballIndex!);
            if (answer.ballIndex !== completedOn) ballMismatches++;
          } else {
            refusals[answer.error!.code] = (refusals[answer.error!.code] ?? 0) + 1;
            // Only the store's verdicts are sorted by the claim window's rule; a call left without one is counted by its code alone.
            if (!NO_VERDICT.has(answer.error!.code)) refusedCalls.push(card.id, completedOn, sentAt, times.last);
          }
        }),
      );
    }
  };
  report = async () => {
    await Promise.all(pending);
    return {
      calls: crowd.calls,
      accepted,
      lost,
      settledUnknown,
      refusals,
      latency: latency.buckets(),
      acceptedCalls,
      refusedCalls,
      drawAt: crowd.drawAt,
      ballMismatches,
      firstSentAt: times.first,
      lastAnsweredAt: times.last,
      winnersSeen: crowd.winnersReport(),
      toldWins: crowd.toldWins,
    };
  };
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case "connect":
      crowd = new Crowd(message.setup);
      return send({ type: "connected", ...(await crowd.connect()) });
    case "claim":
      return send({ type: "claimed", report: await claim(message.count, message.repeatEvery) });
    case "join-all":
      return send({ type: "joined-all", report: await joinAll() });
    case "settle":
      return send({ type: "settled", lacking: await settle(message.version) });
    case "status":
      return send(crowd.status());
    case "auto-off":
      return send(await autoOff());
    case "play":
      play(message.pattern as PatternName, message.fromIndex);
      return send({ type: "playing" });
    case "draws-report":
      return send({ type: "draws-report", report: crowd.drawsReport() });
    case "bingo-report":
      return send({ type: "bingo-report", report: await report() });
    case "drop":
      crowd.drop(message.mode);
      return send({ type: "dropping" });
    case "rejoin-report":
      return send({ type: "rejoin-report", report: await crowd.rejoinReport() });
    case "close":
      crowd?.close();
      send({ type: "closed" });
      setTimeout(() => process.exit(0), 50);
  }
}

process.on("message", (message: ToWorker) => void handle(message));
