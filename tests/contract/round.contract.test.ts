import type { GameStore } from "../../server/ports/game-store";
import { MemoryGameStore } from "../../server/store/memory/memory-game-store";
import { contractStores } from "../support/contract-stores";
import { CallStatus } from "../../server/domain/call-batch";
import { cardGrid, drawOrder } from "../../server/domain/cards";
import { completionIndex, drawPositions } from "../../server/domain/patterns";
import type { PatternName } from "../../shared/protocol";
import { callBatch, claimBatch, gameFixture, TEST_SEED } from "../support/games";

const stores = contractStores();

const HOST = "host-1";
const ORDER = drawOrder(TEST_SEED, 75);
const POSITIONS = drawPositions(ORDER);
const PATTERNS: PatternName[] = ["line", "full-house"];
/** completions field of a bingo call for a card of the test seed */
const completions = (cardId: number): string =>
  PATTERNS.map((p) => completionIndex(cardGrid(TEST_SEED, 75, cardId), p, POSITIONS)).join(",");
const lineAt = (cardId: number): number => completionIndex(cardGrid(TEST_SEED, 75, cardId), "line", POSITIONS);

/** Two cards among 1..200 that complete a line on the same ball, and one that completes later. */
function pickCards() {
  const byBall = new Map<number, number[]>();
  for (let id = 1; id <= 200; id++) byBall.set(lineAt(id), [...(byBall.get(lineAt(id)) ?? []), id]);
  const first = Math.min(...byBall.keys());
  const shared = [...byBall.entries()].filter(([, ids]) => ids.length >= 2).sort((a, b) => a[0] - b[0])[0];
  return { first, firstCards: byBall.get(first)!, sharedBall: shared[0], sharedCards: shared[1].slice(0, 2) };
}

let counter = 0;
async function runningGame(store: GameStore, options: { graceMs?: number; prizes?: number[]; patterns?: PatternName[] } = {}) {
  const id = `r${Date.now().toString(36)}${++counter}`;
  const patterns = options.patterns ?? PATTERNS;
  await store.createGame(gameFixture(id, HOST, { graceMs: options.graceMs ?? 0, prizes: options.prizes ?? patterns.map((_, i) => [1000, 5000][i]), patterns }));
  await store.openClaims(id, HOST, 200, 200);
  // One player holds every card: p1 gets 1..100, p2 gets 101..200.
  await claimBatch(store, id, ["p1", "all", 100, "p2", "all", 100]);
  const started = await store.startRound(id, HOST);
  expect(started.ok).toBe(true);
  return id;
}

const ownerOf = (cardId: number) => (cardId <= 100 ? "p1" : "p2");

async function drawTo(store: GameStore, gameId: string, lastIndex: number) {
  let last = null;
  for (;;) {
    const view = await store.view(gameId, "");
    if (!view.ok || view.value.drawn > lastIndex) return last;
    last = await store.draw(gameId, { hostId: HOST }, null);
    expect(last.ok).toBe(true);
  }
}

/** Asks the store to settle until it makes the pending award (its window closes on the store's clock); bounded. */
async function settledOnce(store: GameStore, gameId: string) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const tick = await store.resolveTick(gameId, { claims: [], calls: [], settle: true });
    if (!tick.ok) throw new Error(tick.error.code);
    if (tick.value.settled?.awarded) return tick.value.settled;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`game ${gameId}: the pending award was not made within 10 s`);
}

describe.each(stores.all)("round contract: %s", (_name, makeStore) => {
  let store: GameStore;
  beforeAll(async () => {
    store = await makeStore();
  });
  afterAll(async () => {
    await store.close();
  });

  test("starting the round closes the claim window; only the host starts it, once", async () => {
    const id = `s${Date.now().toString(36)}${++counter}`;
    await store.createGame(gameFixture(id, HOST));
    await store.openClaims(id, HOST, 10, 2);
    expect(await store.startRound(id, "intruder")).toEqual({ ok: false, error: expect.objectContaining({ code: "FORBIDDEN" }) });
    expect(await store.startRound(id, HOST)).toEqual({ ok: true, value: { roundVersion: 1, slots: { total: 10, remaining: 10, version: 2 } } });
    expect(await store.startRound(id, HOST)).toEqual({ ok: false, error: expect.objectContaining({ code: "WRONG_PHASE" }) });
    const claim = await claimBatch(store, id, ["p", "late", 1]);
    expect(claim.ok && claim.value[3]).toBe(3); // ClaimStatus.CLAIMS_CLOSED
    expect(await store.openClaims(id, HOST, 10, 2)).toEqual({ ok: false, error: expect.objectContaining({ code: "WRONG_PHASE" }) });
  });

  test("draws follow the seed's order, never repeat or skip; a repeated expected index answers again without drawing", async () => {
    const id = await runningGame(store);
    const first = await store.draw(id, { hostId: HOST }, 0);
    expect(first).toEqual({ ok: true, value: { ball: ORDER[0], index: 0, roundVersion: 2, drewNow: true, settleAt: null } });
    expect(await store.draw(id, { hostId: HOST }, 0)).toEqual({ ok: true, value: { ball: ORDER[0], index: 0, roundVersion: 2, drewNow: false, settleAt: null } });
    expect(await store.draw(id, { hostId: HOST }, 5)).toEqual({ ok: false, error: expect.objectContaining({ code: "BAD_REQUEST" }) });
    expect(await store.draw(id, { hostId: "intruder" }, null)).toEqual({ ok: false, error: expect.objectContaining({ code: "FORBIDDEN" }) });
    const balls = [ORDER[0]];
    for (let i = 1; i < 75; i++) {
      const drawn = await store.draw(id, { hostId: HOST }, null);
      if (!drawn.ok) throw new Error(drawn.error.code);
      balls.push(drawn.value.ball);
      expect(drawn.value.index).toBe(i);
    }
    expect(balls).toEqual(ORDER);
    expect(await store.draw(id, { hostId: HOST }, null)).toEqual({ ok: false, error: expect.objectContaining({ code: "WRONG_PHASE", reason: "all-drawn" }) });
  });

  test("pause stops draws until resume; auto-draw is set and cleared", async () => {
    const id = await runningGame(store);
    expect(await store.controlRound(id, HOST, { op: "pause" })).toEqual({ ok: true, value: { roundVersion: 2, paused: true, autoIntervalMs: null } });
    expect(await store.draw(id, { hostId: HOST }, null)).toEqual({ ok: false, error: expect.objectContaining({ code: "WRONG_PHASE", reason: "paused" }) });
    expect(await store.controlRound(id, HOST, { op: "resume" })).toEqual({ ok: true, value: { roundVersion: 3, paused: false, autoIntervalMs: null } });
    expect((await store.draw(id, { hostId: HOST }, null)).ok).toBe(true);
    expect(await store.controlRound(id, HOST, { op: "auto", intervalMs: 1500 })).toEqual({ ok: true, value: { roundVersion: 5, paused: false, autoIntervalMs: 1500 } });
    expect(await store.controlRound(id, "intruder", { op: "pause" })).toEqual({ ok: false, error: expect.objectContaining({ code: "FORBIDDEN" }) });
    const view = await store.view(id, "");
    expect(view.ok && [view.value.autoIntervalMs, view.value.paused, view.value.roundVersion]).toEqual([1500, false, 5]);
  });

  test("the draw lease: one owner at a time, a new owner gets a higher token, a stale token cannot draw", async () => {
    const id = await runningGame(store);
    expect(await store.acquireLease(id, "node-a", 60_000)).toEqual({ ok: true, value: { token: 0, untilMs: 0, autoIntervalMs: null } });
    await store.controlRound(id, HOST, { op: "auto", intervalMs: 1000 });
    const a = await store.acquireLease(id, "node-a", 60_000);
    expect(a.ok && a.value).toMatchObject({ token: 1, autoIntervalMs: 1000 });
    expect((await store.acquireLease(id, "node-b", 60_000)).ok && (await store.acquireLease(id, "node-b", 60_000))).toMatchObject({ value: { token: 0 } });
    expect((await store.draw(id, { leaseToken: 1 }, null)).ok).toBe(true);
    // node-a lets its lease lapse at once (ttl 0): node-b takes over with token 2.
    await store.acquireLease(id, "node-a", 0);
    const b = await store.acquireLease(id, "node-b", 60_000);
    expect(b.ok && b.value.token).toBe(2);
    expect(await store.draw(id, { leaseToken: 1 }, null)).toEqual({ ok: false, error: expect.objectContaining({ code: "FORBIDDEN" }) });
    const byB = await store.draw(id, { leaseToken: 2 }, null);
    expect(byB.ok && byB.value.index).toBe(1);
    await store.controlRound(id, HOST, { op: "auto", intervalMs: null });
    expect(await store.acquireLease(id, "node-b", 60_000)).toEqual({ ok: true, value: { token: 0, untilMs: 0, autoIntervalMs: null } });
  });

  test("a call is valid once the drawn balls complete the pattern: too early INVALID_CLAIM, not your card FORBIDDEN", async () => {
    const id = await runningGame(store, { graceMs: 60_000 });
    const { first, firstCards } = pickCards();
    const card = firstCards[0];
    if (first > 0) await drawTo(store, id, first - 1);
    const early = await callBatch(store, id, [ownerOf(card), "early", card, completions(card), 0]);
    expect(early.ok && early.value.slice(1)).toEqual([CallStatus.INVALID, 0, -1]);
    await drawTo(store, id, first);
    const notMine = await callBatch(store, id, [ownerOf(card) === "p1" ? "p2" : "p1", "steal", card, completions(card), 0]);
    expect(notMine.ok && notMine.value.slice(1)).toEqual([CallStatus.FORBIDDEN, 0, -1]);
    const valid = await callBatch(store, id, [ownerOf(card), "valid", card, completions(card), 0]);
    expect(valid.ok && valid.value.slice(1)).toEqual([CallStatus.OK, 0, first]);
    // A valid call is stored: the same request again gets the same answer.
    const again = await callBatch(store, id, [ownerOf(card), "valid", card, completions(card), 0]);
    expect(again.ok && again.value.slice(1)).toEqual([CallStatus.OK, 0, first]);
    // A refusal is not stored: sent again now that the ball is drawn, the early call is decided afresh.
    const retried = await callBatch(store, id, [ownerOf(card), "early", card, completions(card), 0]);
    expect(retried.ok && retried.value.slice(1)).toEqual([CallStatus.OK, 0, first]);
  });

  test("everyone whose card completed on the same ball shares the prize; the remainder rolls over", async () => {
    const id = await runningGame(store, { graceMs: 0, prizes: [1001, 5000] });
    const { sharedBall, sharedCards } = pickCards();
    const { first } = pickCards();
    expect(sharedBall).toBeGreaterThanOrEqual(first);
    await drawTo(store, id, sharedBall);
    // Calls for cards that completed earlier than sharedBall would be sleepers: skip them.
    const calls = sharedCards.flatMap((card, i) => [ownerOf(card), `share-${i}`, card, completions(card), 0]);
    const accepted = await callBatch(store, id, calls);
    expect(accepted.ok && accepted.value.slice(1)).toEqual(sharedCards.flatMap(() => [CallStatus.OK, 0, sharedBall]));
    // Grace 0: the calls of the first call's store ms share the prize; the window closes
    // 1 ms later, next ball or not, and the award is made then.
    const log = await store.roundLog(id);
    expect(accepted.ok && log.ok && accepted.value[0]).toBe(log.ok ? log.value.calls[0].at + 1 : NaN);
    const settled = await settledOnce(store, id);
    const winners = [...sharedCards].sort((a, b) => a - b).map((cardId) => ({ playerId: ownerOf(cardId), cardId }));
    expect(settled).toEqual({
      awarded: true,
      award: { pattern: "line", ballIndex: sharedBall, winners, prizeEach: 500, remainder: 1 },
      roundVersion: expect.any(Number),
      finished: false,
    });
    const view = await store.view(id, "p1");
    expect(view.ok && [view.value.pattern, view.value.awards.length]).toEqual([1, 1]);
    // A batch of joins reads the same round (draws, pattern, awards) as each player's view.
    const views = await store.viewMany(id, ["p2", "p1", HOST]);
    expect(views.ok && views.value.players.map((part) => ({ ...views.value.game, ...part }))).toEqual(
      await Promise.all(["p2", "p1", HOST].map(async (player) => {
        const one = await store.view(id, player);
        return one.ok && one.value;
      })),
    );
    // A late call for the line is now judged against the full house: invalid.
    const late = await callBatch(store, id, [ownerOf(sharedCards[0]), "late", sharedCards[0], completions(sharedCards[0]), 0]);
    expect(late.ok && late.value.slice(1)).toEqual([CallStatus.INVALID, 1, -1]);
  });

  test("drawing by hand, the award does not wait for the next ball: the window closes grace after the pattern's first call", async () => {
    const id = await runningGame(store, { graceMs: 60_000 });
    const { first, firstCards } = pickCards();
    await drawTo(store, id, first);
    const call = await callBatch(store, id, [ownerOf(firstCards[0]), "first", firstCards[0], completions(firstCards[0]), 0]);
    const log = await store.roundLog(id);
    const firstAt = log.ok ? log.value.calls[0].at : NaN;
    // No next ball is drawn, yet the window has an end: grace after the first call (that ms included).
    expect(call.ok && call.value).toEqual([firstAt + 60_001, CallStatus.OK, 0, first]);
    expect(await store.resolveTick(id, { claims: [], calls: [], settle: true })).toMatchObject({ ok: true, value: { settled: { awarded: false, settleAt: firstAt + 60_001 } } });
    // A next ball drawn now closes it no later (its own grace ends at or after that).
    const next = await store.draw(id, { hostId: HOST }, null);
    const after = await store.roundLog(id);
    const drawnAt = after.ok ? after.value.drawnAt : [];
    expect(next.ok && next.value.settleAt).toBe(Math.min(drawnAt[first + 1] + 60_000, firstAt + 60_001));
  });

  test("drawing by hand, the award is made grace after the first call with no next ball", async () => {
    const id = await runningGame(store, { graceMs: 300 });
    const { first, firstCards } = pickCards();
    await drawTo(store, id, first);
    await callBatch(store, id, [ownerOf(firstCards[0]), "first", firstCards[0], completions(firstCards[0]), 0]);
    expect(await settledOnce(store, id)).toMatchObject({ awarded: true, award: { pattern: "line", ballIndex: first } });
    const view = await store.view(id, "");
    expect(view.ok && [view.value.drawn, view.value.pattern]).toEqual([first + 1, 1]);
  });

  test("a call after the window of its ball closed is INVALID_CLAIM (a sleeper)", async () => {
    const id = await runningGame(store, { graceMs: 0 });
    const { first, firstCards } = pickCards();
    await drawTo(store, id, first + 1);
    const card = firstCards[0];
    const slept = await callBatch(store, id, [ownerOf(card), "slept", card, completions(card), 0]);
    expect(slept.ok && slept.value.slice(1)).toEqual([CallStatus.INVALID, 0, -1]);
  });

  test("auto calls are skipped for players who turned auto-claim off, and never answered twice", async () => {
    const id = await runningGame(store, { graceMs: 60_000 });
    const { first, firstCards } = pickCards();
    await drawTo(store, id, first);
    const card = firstCards[0];
    expect(await store.setAutoClaim(id, ownerOf(card), false)).toEqual({ ok: true, value: undefined });
    const skipped = await callBatch(store, id, [ownerOf(card), "auto", card, completions(card), 1]);
    expect(skipped.ok && skipped.value.slice(1)).toEqual([CallStatus.SKIPPED, 0, -1]);
    await store.setAutoClaim(id, ownerOf(card), true);
    const made = await callBatch(store, id, [ownerOf(card), "auto", card, completions(card), 1]);
    expect(made.ok && made.value.slice(1)).toEqual([CallStatus.OK, 0, first]);
    const view = await store.view(id, ownerOf(card));
    expect(view.ok && view.value.autoClaim).toBe(true);
  });

  test("ending the game makes the pending award at once, reveals the seed and finishes", async () => {
    const id = await runningGame(store, { graceMs: 60_000 });
    const { first, firstCards } = pickCards();
    await drawTo(store, id, first);
    await callBatch(store, id, [ownerOf(firstCards[0]), "c", firstCards[0], completions(firstCards[0]), 0]);
    expect(await store.finishGame(id, "intruder")).toEqual({ ok: false, error: expect.objectContaining({ code: "FORBIDDEN" }) });
    const finished = await store.finishGame(id, HOST);
    expect(finished).toEqual({
      ok: true,
      value: {
        roundVersion: expect.any(Number),
        seed: TEST_SEED,
        awards: [{ pattern: "line", ballIndex: first, winners: [{ playerId: ownerOf(firstCards[0]), cardId: firstCards[0] }], prizeEach: 1000, remainder: 0 }],
        awardedNow: true,
      },
    });
    expect(await store.finishGame(id, HOST)).toEqual({ ok: false, error: expect.objectContaining({ code: "WRONG_PHASE" }) });
    const view = await store.view(id, "");
    expect(view.ok && view.value.phase).toBe("finished");
    expect(await store.draw(id, { hostId: HOST }, null)).toEqual({ ok: false, error: expect.objectContaining({ code: "WRONG_PHASE" }) });
  });

  test("the game finishes with the last pattern's award", async () => {
    const id = await runningGame(store, { graceMs: 0 });
    const fullAt = (cardId: number) => completionIndex(cardGrid(TEST_SEED, 75, cardId), "full-house", POSITIONS);
    // The card of p1 that completes a full house first: nobody can have done so earlier.
    const card = [...Array(100).keys()].map((i) => i + 1).sort((a, b) => fullAt(a) - fullAt(b))[0];
    const fullBall = fullAt(card);
    const lineBall = lineAt(card);
    expect(fullBall).toBeLessThan(74);
    await drawTo(store, id, lineBall);
    await callBatch(store, id, ["p1", "line", card, completions(card), 0]);
    await store.draw(id, { hostId: HOST }, null);
    const line = await store.resolveTick(id, { claims: [], calls: [], settle: true });
    expect(line.ok && line.value.settled).toMatchObject({ awarded: true, finished: false });
    await drawTo(store, id, fullBall);
    const full = await callBatch(store, id, ["p1", "full", card, completions(card), 0]);
    expect(full.ok && full.value.slice(1)).toEqual([CallStatus.OK, 1, fullBall]);
    await store.draw(id, { hostId: HOST }, null);
    const done = await store.resolveTick(id, { claims: [], calls: [], settle: true });
    expect(done.ok && done.value.settled).toMatchObject({ awarded: true, finished: true, award: { pattern: "full-house", ballIndex: fullBall } });
    const view = await store.view(id, "");
    expect(view.ok && [view.value.phase, view.value.awards.map((a) => a.pattern)]).toEqual(["finished", ["line", "full-house"]]);
  });

  /** A card completing a line on ball j (none of the 200 earlier), and one completing it on the next ball k > j that any does. */
  function laterPair() {
    const { first, firstCards } = pickCards();
    const ids = [...Array(200).keys()].map((i) => i + 1);
    const k = Math.min(...ids.map(lineAt).filter((at) => at > first));
    return { j: first, k, early: firstCards[0], later: ids.find((id) => lineAt(id) === k)! };
  }

  test.each([
    ["the earlier ball's call first", false],
    ["the later ball's call first", true],
  ])("a valid call on a later ball is OK with its own ball, whatever the arrival order (%s); the earlier ball wins", async (_name, laterFirst) => {
    const id = await runningGame(store, { graceMs: 60_000 });
    const { j, k, early, later } = laterPair();
    await drawTo(store, id, k);
    const earlyCall = [ownerOf(early), "early", early, completions(early), 0];
    const laterCall = [ownerOf(later), "later", later, completions(later), 0];
    // Each call in its own tick, in the order under test.
    const answers = new Map<string, readonly number[]>();
    for (const [name, call] of laterFirst ? [["later", laterCall], ["early", earlyCall]] as const : [["early", earlyCall], ["later", laterCall]] as const) {
      const reply = await callBatch(store, id, [...call]);
      if (!reply.ok) throw new Error(reply.error.code);
      answers.set(name, reply.value.slice(1));
    }
    expect(answers.get("early")).toEqual([CallStatus.OK, 0, j]);
    expect(answers.get("later")).toEqual([CallStatus.OK, 0, k]);
    const finished = await store.finishGame(id, HOST);
    expect(finished.ok && finished.value.awards).toEqual([{ pattern: "line", ballIndex: j, winners: [{ playerId: ownerOf(early), cardId: early }], prizeEach: 1000, remainder: 0 }]);
    // Both calls are in the record's call log, each on its own ball.
    const log = await store.roundLog(id);
    const logged = log.ok ? log.value.calls.map(({ pattern, ballIndex, auto, cards }) => ({ pattern, ballIndex, auto, cards })) : null;
    const expected = [
      { pattern: 0, ballIndex: j, auto: false, cards: [{ cardId: early, playerId: ownerOf(early) }] },
      { pattern: 0, ballIndex: k, auto: false, cards: [{ cardId: later, playerId: ownerOf(later) }] },
    ];
    expect(logged).toEqual(laterFirst ? expected.reverse() : expected);
  });

  test("a card already complete when its pattern comes into play counts on the ball at which it came into play: awards never go back", async () => {
    const id = await runningGame(store, { graceMs: 0, patterns: ["full-house", "line"] });
    const fullAt = (cardId: number) => completionIndex(cardGrid(TEST_SEED, 75, cardId), "full-house", POSITIONS);
    const house = [...Array(200).keys()].map((i) => i + 1).sort((a, b) => fullAt(a) - fullAt(b))[0];
    const houseCompletions = (cardId: number) => [fullAt(cardId), lineAt(cardId)].join(",");
    await drawTo(store, id, fullAt(house));
    await callBatch(store, id, [ownerOf(house), "house", house, houseCompletions(house), 0]);
    await drawTo(store, id, fullAt(house) + 2); // the window of the full house closes with the next ball (grace 0)
    const settled = await store.resolveTick(id, { claims: [], calls: [], settle: true });
    expect(settled.ok && settled.value.settled).toMatchObject({ awarded: true, award: { pattern: "full-house", ballIndex: fullAt(house) } });
    const opened = fullAt(house) + 2; // the last ball drawn when the line came into play
    // The line card completed long ago: it counts on `opened`, never before the full house's ball.
    const card = [...Array(200).keys()].map((i) => i + 1).find((id2) => lineAt(id2) < fullAt(house) && ownerOf(id2) === "p2")!;
    const call = await callBatch(store, id, ["p2", "old-line", card, houseCompletions(card), 1]);
    expect(call.ok && call.value.slice(1)).toEqual([CallStatus.OK, 1, opened]);
    await store.draw(id, { hostId: HOST }, null);
    const line = await store.resolveTick(id, { claims: [], calls: [], settle: true });
    expect(line.ok && line.value.settled).toMatchObject({ awarded: true, finished: true, award: { pattern: "line", ballIndex: opened, winners: [{ playerId: "p2", cardId: card }] } });
    const log = await store.roundLog(id);
    expect(log.ok && log.value.awardTimes.map((t) => t.drawn)).toEqual([opened + 1, opened + 2]);
    expect(log.ok && log.value.calls.map((c) => [c.pattern, c.ballIndex, c.auto])).toEqual([
      [0, fullAt(house), false],
      [1, opened, true],
    ]);
  });

  test("every ball drawn before the line is awarded: the full house then counts on the last ball, is awarded, and the game finishes", async () => {
    // The last ball has no next one: its window closes grace after the later of its draw and
    // the pattern coming into play. Without that, a game whose balls are all drawn before an
    // award would wait for ever. The store keeps its own time, so each award is polled for
    // until its window has closed (a short grace).
    const id = await runningGame(store, { graceMs: 300 });
    const last = ORDER.length - 1;
    const line = [...Array(100).keys()].map((i) => i + 1).sort((a, b) => lineAt(a) - lineAt(b))[0];
    await drawTo(store, id, lineAt(line));
    await callBatch(store, id, ["p1", "line", line, completions(line), 0]);
    await drawTo(store, id, last);
    expect(await settledOnce(store, id)).toMatchObject({ awarded: true, finished: false, award: { ballIndex: lineAt(line) } });
    // The full house came into play after the last ball: the card, complete long before, counts on it.
    const full = await callBatch(store, id, ["p1", "house", line, completions(line), 1]);
    expect(full.ok && full.value.slice(1)).toEqual([CallStatus.OK, 1, last]);
    expect(await settledOnce(store, id)).toMatchObject({ awarded: true, finished: true, award: { pattern: "full-house", ballIndex: last } });
  });

  test("the last ball's window closes grace after its draw when its pattern was in play before it", async () => {
    const id = await runningGame(store, { graceMs: 60_000, patterns: ["full-house"] });
    const last = ORDER.length - 1;
    const fullAt = (cardId: number) => completionIndex(cardGrid(TEST_SEED, 75, cardId), "full-house", POSITIONS);
    const card = [...Array(100).keys()].map((i) => i + 1).find((id2) => fullAt(id2) === last)!;
    await drawTo(store, id, last);
    const call = await callBatch(store, id, ["p1", "house-last", card, String(fullAt(card)), 0]);
    expect(call.ok && call.value.slice(1)).toEqual([CallStatus.OK, 0, last]);
    const log = await store.roundLog(id);
    const drawnAt = log.ok ? log.value.drawnAt : [];
    expect(call.ok && call.value[0]).toBe(drawnAt[last] + 60_000);
    const early = await store.resolveTick(id, { claims: [], calls: [], settle: true });
    expect(early.ok && early.value.settled).toEqual({ awarded: false, settleAt: drawnAt[last] + 60_000 });
  });

  test("the round log: draw times, award times, and the first accepted call of each card per pattern, grouped by ball and kind", async () => {
    const id = await runningGame(store, { graceMs: 60_000 });
    const { j, k, early, later } = laterPair();
    await drawTo(store, id, k);
    const [a, b] = [ownerOf(early), ownerOf(later)];
    const reply = await callBatch(store, id, [
      a, "m1", early, completions(early), 0,
      a, "auto", early, completions(early), 1, // the same card again: answered, not logged again
      b, "auto", later, completions(later), 1,
      b, "m2", later, completions(later), 0,
    ]);
    expect(reply.ok && reply.value.slice(1)).toEqual([CallStatus.OK, 0, j, CallStatus.OK, 0, j, CallStatus.OK, 0, k, CallStatus.OK, 0, k]);
    const log = await store.roundLog(id);
    if (!log.ok) throw new Error(log.error.code);
    expect(log.value.drawnAt).toHaveLength(k + 1);
    expect([...log.value.drawnAt].sort((x, y) => x - y)).toEqual(log.value.drawnAt);
    const at = log.value.calls[0]?.at;
    expect(at).toBeGreaterThanOrEqual(log.value.drawnAt[k]);
    expect(log.value.calls).toEqual([
      { at, pattern: 0, ballIndex: j, auto: false, cards: [{ cardId: early, playerId: a }] },
      { at, pattern: 0, ballIndex: k, auto: true, cards: [{ cardId: later, playerId: b }] },
    ]);
    expect(log.value.awardTimes).toEqual([]);
    const view = await store.view(id, "");
    expect(view.ok && [view.value.graceMs, view.value.recordIds]).toEqual([60_000, "sub"]);
    expect(await store.roundLog("no-such-game")).toEqual({ ok: false, error: expect.objectContaining({ code: "NOT_FOUND" }) });
  });
});

test("the memory and Redis stores play the same random round identically", async () => {
  const memory = new MemoryGameStore();
  const onRedis = await stores.redis();
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    // The high bits: an LCG's low bits cycle with a short period.
    return Math.floor((seed / 2147483648) * n);
  };
  // Store-clock times differ between the two; only whether one is set must agree.
  const timeless = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value, (key, v) => (key === "settleAt" || key === "untilMs" ? v !== null && v >= 0 : v)));
  try {
    // A grace no step outlasts: a window then closes only when a step makes it close (a
    // next ball is drawn), never by the clock, so both stores decide alike. With grace 0 a
    // window would close 1 ms after the pattern's first call: a matter of timing.
    const [id] = await Promise.all([runningGame(memory, { graceMs: 600_000 }), Promise.resolve()]);
    await onRedis.createGame(gameFixture(id, HOST, { graceMs: 600_000, prizes: [1000, 5000] }));
    await onRedis.openClaims(id, HOST, 200, 200);
    await claimBatch(onRedis, id, ["p1", "all", 100, "p2", "all", 100]);
    await onRedis.startRound(id, HOST);
    for (let step = 0; step < 120; step++) {
      const choice = random(10);
      let pair: [unknown, unknown];
      if (choice < 5) {
        pair = [await memory.draw(id, { hostId: HOST }, null), await onRedis.draw(id, { hostId: HOST }, null)];
      } else if (choice < 8) {
        const calls: (string | number)[] = [];
        const view = await memory.view(id, "");
        const last = view.ok ? view.value.drawn - 1 : -1;
        // Half the calls name a card that completes a pattern on the last ball: valid ones, for the call log.
        const fresh: number[] = [...Array(200).keys()].map((i) => i + 1).filter((card) => completions(card).split(",").map(Number).includes(last));
        for (let i = 0; i < 1 + random(6); i++) {
          const card = fresh.length > 0 && random(2) === 0 ? fresh[random(fresh.length)] : 1 + random(200);
          calls.push(random(8) === 0 ? "p3" : ownerOf(card), `r${random(30)}`, card, completions(card), random(4) === 0 ? 1 : 0);
        }
        const work = { claims: [], calls, settle: random(2) === 0 };
        pair = [await memory.resolveTick(id, work), await onRedis.resolveTick(id, work)];
        const calls2 = (pair[0] as { ok: boolean; value?: { calls: number[] } }).value?.calls;
        if (calls2) (calls2 as number[])[0] = calls2[0] >= 0 ? 1 : -1;
        const calls3 = (pair[1] as { ok: boolean; value?: { calls: number[] } }).value?.calls;
        if (calls3) (calls3 as number[])[0] = calls3[0] >= 0 ? 1 : -1;
      } else if (choice === 8) {
        const op = random(2) === 0 ? ({ op: "pause" } as const) : ({ op: "resume" } as const);
        pair = [await memory.controlRound(id, HOST, op), await onRedis.controlRound(id, HOST, op)];
      } else {
        const player = random(2) === 0 ? "p1" : "p2";
        const enabled = random(2) === 0;
        pair = [await memory.setAutoClaim(id, player, enabled), await onRedis.setAutoClaim(id, player, enabled)];
      }
      expect(timeless(pair[1])).toEqual(timeless(pair[0]));
    }
    // The host ends the game: the pending award is made at once, on both alike.
    expect(await onRedis.finishGame(id, HOST)).toEqual(await memory.finishGame(id, HOST));
    for (const player of ["p1", "p2", "p3"]) expect(await onRedis.view(id, player)).toEqual(await memory.view(id, player));
    // The call logs agree but for the store times.
    const untimed = (log: unknown) => JSON.parse(JSON.stringify(log, (key, v) => (key === "at" || key === "drawnAt" ? typeof v : v)));
    const [memoryLog, redisLog] = [await memory.roundLog(id), await onRedis.roundLog(id)];
    expect(memoryLog.ok && memoryLog.value.calls.length).toBeGreaterThan(0);
    expect(memoryLog.ok && memoryLog.value.awardTimes.length).toBeGreaterThan(0);
    expect(untimed(redisLog)).toEqual(untimed(memoryLog));
  } finally {
    await memory.close();
    await onRedis.close();
  }
});
