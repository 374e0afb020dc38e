import { FcmPushSender } from "../../server/push/fcm-sender";
import { ok } from "../support/acks";
import type { FakeFcm, FakeFcmMessaging } from "../support/fake-fcm";
import { fakeFcmMessaging, startFakeFcm } from "../support/fake-fcm";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";

/**
 * A backgrounded player of a finished game hears of the next game by push (an alert, once),
 * through the real firebase-admin SDK against a local FCM, with two nodes on one Redis.
 */

let redis: TestRedis;
let fake: FakeFcm;
let fcm: FakeFcmMessaging;
let nodes: TestApp[] = [];

beforeAll(async () => {
  redis = await startRedis();
  fake = await startFakeFcm();
  fcm = fakeFcmMessaging(fake, "bingo-test");
  const sender = new FcmPushSender(fcm.messaging);
  nodes = await Promise.all([0, 1].map(() => startTestApp({ redisUrl: redis.url, pushSender: sender, config: { backgroundGraceMs: 60_000 } })));
});

afterAll(async () => {
  for (const node of nodes) await node.stop();
  await fcm.close();
  await fake.close();
  await redis.stop();
});

test("the away player's phone gets one 'next' alert naming the next game; asking again pushes nothing more", async () => {
  const [a, b] = nodes;
  const host = await b.client("next-push-host", "host");
  const { gameId } = ok(await host.createGame({ title: "Pushed on" }), "create");
  const away = await a.client("next-push-away", "player");
  ok(await away.join(gameId), "join");
  const { gameId: other } = ok(await host.createGame({ title: "Another" }), "create another");
  ok(await away.join(other), "join another");
  ok(await away.registerPush("tok-next-away", "android"), "register");
  ok(await away.setAppState("background"), "background");
  ok(await host.startRound(gameId), "start");
  ok(await host.endGame(gameId), "end");
  await fake.waitForRequests(2); // round start, finished

  const next = ok(await host.nextGame(gameId), "next");
  await fake.waitForRequests(3);
  const pushed = fake.messages().filter((m) => m.token === "tok-next-away" && (m.data as Record<string, string>).type === "next");
  expect(pushed).toHaveLength(1);
  expect(pushed[0]).toMatchObject({
    data: { type: "next", gameId, next: next.gameId },
    notification: { title: "The next game is starting" },
    android: { priority: "high", notification: { channel_id: "bingo_game", title_loc_key: "push_next_game_title" } },
  });

  // Asked again: the same game, and the room is told again, but the phone is not rung twice.
  // A later push to the same phone (another game's claims opening, queued after it on the
  // same node) marks the point by which a second 'next' would have been sent.
  expect(ok(await host.nextGame(gameId), "again").gameId).toBe(next.gameId);
  ok(await host.openClaims({ gameId: other, totalSlots: 10, maxPerPlayer: 2 }), "open the other game");
  await fake.waitForRequests(4);
  const types = fake.messages().filter((m) => m.token === "tok-next-away").map((m) => (m.data as Record<string, string>).type);
  expect(types).toEqual(["round-start", "finished", "next", "claims"]);
});
