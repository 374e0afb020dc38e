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

/**
 * A small claim storm through the real load generator (worker processes, 2 server
 * processes, the built dist/): the correctness counters the benchmark reports must be
 * clean. Timings are the benchmark's business, not this test's.
 */
test("the load generator's claim storm at 500 players: every claim acked, nothing oversold, duplicated, over the limit or flickering", async () => {
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
  });
  expect(result).toMatchObject({
    connected: 500,
    acked: 500,
    lost: 0,
    granted: 300,
    oversold: 0,
    duplicateCards: 0,
    overLimitPlayers: 0,
    contradictions: 0,
    fluctuations: 0,
  });
  expect(result.execPerClaim).toBeLessThan(0.05);
}, 120_000);
