import { startRedis } from "../support/redis-server";
import { startTestApp } from "../support/test-app";

test("with Redis gone, claims and joins are answered UNAVAILABLE and the node keeps serving", async () => {
  const redis = await startRedis();
  const app = await startTestApp({ redisUrl: redis.url });
  try {
    const host = await app.client("down-host", "host");
    const created = await host.createGame({});
    if (!created.ok) throw new Error(created.error.code);
    const { gameId } = created;
    await host.openClaims({ gameId, totalSlots: 10, maxPerPlayer: 2 });
    const player = await app.client("down-player", "player", { retries: 0 });
    expect((await player.claim(gameId, 1)).ok).toBe(true);

    await redis.stop();
    const unavailable = { ok: false, error: { code: "UNAVAILABLE", message: expect.any(String) } };
    expect(await player.claim(gameId, 1)).toEqual(unavailable);
    expect(await player.join(gameId)).toEqual(unavailable);
    expect(await host.closeClaims(gameId)).toEqual(unavailable);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(503);
  } finally {
    await app.stop();
    await redis.stop();
  }
});
