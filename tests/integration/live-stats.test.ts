import { nextEvent } from "../support/events";
import { startRedis } from "../support/redis-server";
import { startTestApp } from "../support/test-app";

test("the host's console gets live figures summed over nodes: connections, claims per second, largest batch", async () => {
  const redis = await startRedis();
  const [a, b] = [await startTestApp({ redisUrl: redis.url }), await startTestApp({ redisUrl: redis.url })];
  try {
    const host = await a.client("stats-host", "host");
    const created = await host.createGame({});
    if (!created.ok) throw new Error(created.error.code);
    const { gameId } = created;
    await host.join(gameId);
    await host.openClaims({ gameId, totalSlots: 100, maxPerPlayer: 5 });
    const players = await Promise.all(Array.from({ length: 6 }, (_, i) => b.client(`stats-p${i}`, "player")));
    for (const player of players) await player.join(gameId);
    // Every player is seen (6 on b; the host on a is not a player) and the claims made on b are counted.
    const seen = nextEvent(host.socket, "game:stats", (m) => m.connected === 6 && m.claimsPerSecond >= 6);
    await Promise.all(players.map((player) => player.claim(gameId, 2)));
    const stats = await seen;
    expect(stats).toMatchObject({ gameId, connected: 6 });
    expect(stats.largestBatch).toBeGreaterThanOrEqual(1);
    expect(stats.largestBatch).toBeLessThanOrEqual(6);
    // A player is not sent the host's figures.
    const playerStats: unknown[] = [];
    players[0].socket.on("game:stats", (m) => playerStats.push(m));
    await nextEvent(host.socket, "game:stats");
    expect(playerStats).toEqual([]);
  } finally {
    await a.stop();
    await b.stop();
    await redis.stop();
  }
});
