import { Redis } from "ioredis";
import type { BingoClient } from "../../shared/client";
import { FcmPushSender } from "../../server/push/fcm-sender";
import { ok } from "../support/acks";
import type { FakeFcm, FakeFcmMessaging } from "../support/fake-fcm";
import { fakeFcmMessaging, startFakeFcm } from "../support/fake-fcm";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import { startTestApp } from "../support/test-app";
import { until } from "../support/until";

/**
 * A push event reads the game's away index and its candidates, not every player of the
 * audience: its Redis work grows with the players away, not with the players connected.
 */

let redis: TestRedis;
let fake: FakeFcm;
let fcm: FakeFcmMessaging;

beforeAll(async () => {
  redis = await startRedis();
  fake = await startFakeFcm();
  fcm = fakeFcmMessaging(fake, "bingo-test");
});

afterAll(async () => {
  await fcm.close();
  await fake.close();
  await redis.stop();
});

/** Calls of one Redis command so far, from INFO commandstats (commands run inside functions included). */
async function calls(admin: Redis, command: string): Promise<number> {
  const match = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, "m").exec(await admin.info("commandstats"));
  return match ? Number(match[1]) : 0;
}

test("a push event to a game with N connected players and k away reads O(k) players, not N", async () => {
  const N = 40;
  const app = await startTestApp({ redisUrl: redis.url, pushSender: new FcmPushSender(fcm.messaging), config: { backgroundGraceMs: 60_000, pushCountThresholds: [] } });
  const admin = new Redis(redis.url);
  try {
    const host = await app.client("index-host", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    const players: BingoClient[] = [];
    for (let i = 0; i < N; i++) {
      const player = await app.client(`index-p${i}`, "player");
      ok(await player.join(gameId), "join");
      ok(await player.registerPush(`tok-index-${i}`, "android"), "register");
      players.push(player);
    }
    const away = [7, 23];
    for (const i of away) ok(await players[i].setAppState("background"), "background");

    const before = await calls(admin, "hgetall");
    ok(await host.openClaims({ gameId, totalSlots: 10, maxPerPlayer: 1 }), "open");
    await fake.waitForRequests(away.length);
    await until("the entry acknowledged", async () => ((await admin.xpending("bingo:push", "push")) as unknown[])[0] === 0);
    const read = (await calls(admin, "hgetall")) - before;

    expect(fake.messages().map((m) => m.token).sort()).toEqual(away.map((i) => `tok-index-${i}`).sort());
    // Per candidate its presence, tokens and preferences (3 HGETALL), plus the index itself
    // (1). Reading every player of the audience, as before the index, was 3 × N = 120.
    expect(read).toBeLessThanOrEqual(3 * away.length + 1);
    expect(read).toBeLessThan(N);
  } finally {
    admin.disconnect();
    await app.stop();
  }
});
