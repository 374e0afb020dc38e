import { DEFAULT_AWARD_WINNERS_SHOWN } from "../../shared/protocol";
import { runBingoBurst } from "../../scripts/loadtest/bingo-burst";
import { runDrawFanout } from "../../scripts/loadtest/draw-fanout";
import { runReconnectStorm } from "../../scripts/loadtest/reconnect-storm";
import { runSoak } from "../../scripts/loadtest/soak";
import { runClaimStorm } from "../../scripts/loadtest/storm";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

/*
 * Small runs of every benchmark scenario through the real load generator (worker
 * processes, 2 server processes, the built dist/): the correctness counters the benchmark
 * reports must be clean. Timings are the benchmark's business, not these tests'.
 */

test("claim storm at 500 players: connections held, every claim acked, nothing oversold, duplicated, over the limit or flickering; then, once every player holds the last count, every player's join at once is answered with the snapshot", async () => {
  const result = await runClaimStorm({
    target: "bingo",
    redisUrl: redis.url,
    players: 500,
    nodes: 2,
    workers: 2,
    totalSlots: 300,
    maxPerPlayer: 2,
    count: 1,
    repeatEvery: 5,
    holdSeconds: 1,
    joinStorm: true,
  });
  expect(result).toMatchObject({
    connected: 500,
    hold: { heldAtEnd: 500, unexpectedDisconnects: 0 },
    acked: 500,
    lost: 0,
    granted: 300,
    oversold: 0,
    duplicateCards: 0,
    overLimitPlayers: 0,
    contradictions: 0,
    fluctuations: 0,
  });
  // Every slots message a client received was counted for delivery latency.
  expect(result.slotsLatencyMs.count).toBe(result.slotsMessages);
  expect(result.joins).toMatchObject({ players: 500, answered: 500, ok: 500, lost: 0, unsettled: 0 });
  expect(result.joins?.latencyMs.count).toBe(500);
}, 120_000);

test("draw fan-out at 200 players over 2 nodes: every player gets every draw, in order, stamped by the server", async () => {
  const result = await runDrawFanout({ redisUrl: redis.url, players: 200, nodes: 2, workers: 2, draws: 3 });
  expect(result).toMatchObject({ connected: 200, fewestReceivers: 200, incompleteDraws: 0, gaps: 0 });
  expect(result.latencyMs.count).toBe(200 * 3);
}, 120_000);

test("bingo burst at 200 players playing by hand: no lost or wrongly refused call, the earliest ball's callers share the prize equally, every client saw that award and every winner was told, the record verifies", async () => {
  const result = await runBingoBurst({ redisUrl: redis.url, players: 200, nodes: 2, workers: 2, cardsPerPlayer: 2, balls: 25, claimGraceMs: 8000 });
  expect(result).toMatchObject({
    connected: 200,
    autoClaimOffFailed: 0,
    lost: 0,
    wronglyRefused: 0,
    ballMismatches: 0,
    missingWinners: 0,
    unexpectedWinners: 0,
    wrongOwners: 0,
    splitCorrect: true,
    recordVerified: true,
    clientsWithoutAward: 0,
    clientsWithOtherAward: 0,
    winnersNotTold: 0,
    wrongTold: 0,
  });
  expect(result.winners).toBeGreaterThan(0);
  // The award message every client got: each winner it lists takes at least {"playerId":"lp-N","cardId":N}.
  expect(result.awardMessageBytes).toBeGreaterThan(Math.min(result.winners, DEFAULT_AWARD_WINNERS_SHOWN) * '{"playerId":"lp-1","cardId":1}'.length);
  // Only calls for a later ball than the earliest one called may be refused, as INVALID_CLAIM.
  expect(Object.keys(result.refusals).filter((code) => code !== "INVALID_CLAIM")).toEqual([]);
  expect(result.accepted + (result.refusals.INVALID_CLAIM ?? 0)).toBe(result.calls);
}, 120_000);

test("reconnect storm at 200 players with a node killed: its clients rejoin on the other node and see the same slots, round and cards", async () => {
  const result = await runReconnectStorm({ redisUrl: redis.url, players: 200, nodes: 2, workers: 2, killNode: true, draws: 3 });
  expect(result).toMatchObject({ connected: 200, dropped: 100, reconnected: 100, failed: 0, inconsistentStates: 0, cardMismatches: 0 });
  expect(result.expectedState).toMatch(/^running slots 0\/200 .* draws 3 /);
}, 120_000);

test("reconnect storm at 200 players on the no-op server (the yardstick): every client drops and rejoins on socket.io-client's schedule", async () => {
  const result = await runReconnectStorm({ target: "noop-ceiling", redisUrl: redis.url, players: 200, nodes: 2, workers: 2, killNode: false, draws: 0 });
  expect(result).toMatchObject({ target: "noop-ceiling", connected: 200, dropped: 200, reconnected: 200, failed: 0 });
}, 120_000);

test("soak for a few seconds on 2 nodes: rolling games all finish with no unexpected answer, and the nodes let go of every game once its players left", async () => {
  const result = await runSoak({ redisUrl: redis.url, nodes: 2, seconds: 3, lanes: 2, playersPerGame: 5, drawsPerGame: 5, gameTtlSeconds: 60, waitForExpiry: false });
  expect(result.unexpected).toEqual({});
  expect(result.gamesFinished).toBeGreaterThanOrEqual(2);
  expect(result.cardsGranted).toBeGreaterThanOrEqual(result.gamesFinished * 4);
  expect(result.draws).toBe(result.gamesFinished * 5);
  // Memory figures depend on the machine; only what must hold anywhere is asserted.
  expect(result.nodeGameStateEnd).toBe(0);
  expect(result.start.heapBytes).toHaveLength(2);
  expect(result.end.heapBytes.every((bytes) => bytes > 0)).toBe(true);
}, 120_000);
