import { Redis } from "ioredis";
import pino from "pino";
import type { PushEvent } from "../../server/domain/push-messages";
import { systemClock } from "../../server/ports/clock";
import type { OutboxEntry, PushOutbox } from "../../server/ports/push-ports";
import { FcmPushSender } from "../../server/push/fcm-sender";
import { PushDispatcher } from "../../server/push/push-dispatcher";
import type { RedisClient } from "../../server/store/redis/connection";
import { connectCommands } from "../../server/store/redis/connection";
import { loadFunctionLibrary } from "../../server/store/redis/function-library";
import { DEAD_LETTERS, outboxOldestAgeMs, RedisPlayerDirectory, RedisPushGate, RedisPushOutbox, replayDeadLetters } from "../../server/store/redis/redis-push";
import type { FakeFcm, FakeFcmMessaging } from "../support/fake-fcm";
import { fakeFcmMessaging, startFakeFcm } from "../support/fake-fcm";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import { until } from "../support/until";

/**
 * Exactly once per device, on real Redis with two dispatchers (two nodes' push halves) and
 * the real firebase-admin SDK: a slow live node keeps its entry, a node that dies after
 * sending is not repeated, and an entry that keeps failing is dead-lettered, not lost.
 */

let redis: TestRedis;
let fake: FakeFcm;
let fcm: FakeFcmMessaging;
let admin: Redis;
const log = pino({ level: process.env.PUSH_TEST_LOG ?? "silent" });
const CLAIM_TIMEOUT_MS = 1000;
const open: RedisClient[] = [];
const running: PushDispatcher[] = [];

beforeAll(async () => {
  redis = await startRedis();
  fake = await startFakeFcm();
  fcm = fakeFcmMessaging(fake, "bingo-test");
  admin = new Redis(redis.url);
  const commands = await connection();
  await loadFunctionLibrary(commands);
});

afterAll(async () => {
  for (const c of open) c.disconnect();
  admin.disconnect();
  await fcm.close();
  await fake.close();
  await redis.stop();
});

beforeEach(async () => {
  fake.reset();
});

afterEach(async () => {
  fake.release();
  await Promise.all(running.splice(0).map((d) => d.stop()));
});

async function connection(): Promise<RedisClient> {
  const c = await connectCommands(redis.url, 5000, () => undefined);
  open.push(c);
  return c;
}

/** One node's push half: its own connections, a dispatcher sending through the fake. */
async function dispatcher(nodeId: string, wrap: (outbox: PushOutbox) => PushOutbox = (o) => o, retryDelaysMs: number[] = []) {
  const commands = await connection();
  const outbox = wrap(new RedisPushOutbox(await connection()));
  const d = new PushDispatcher(outbox, new RedisPlayerDirectory(commands), new RedisPushGate(commands), new FcmPushSender(fcm.messaging), systemClock, log, {
    nodeId,
    graceMs: 60_000,
    claimTimeoutMs: CLAIM_TIMEOUT_MS,
    retryDelaysMs,
  });
  running.push(d);
  return d;
}

/** A game with `tokens` backgrounded devices, and its event in the outbox. */
async function queued(gameId: string, tokens: string[], kind: PushEvent["kind"] = "round-start"): Promise<void> {
  const directory = new RedisPlayerDirectory(await connection());
  for (const [i, token] of tokens.entries()) {
    await directory.joined(gameId, `${gameId}-p${i}`);
    await directory.registerToken(`${gameId}-p${i}`, token, "android");
    await directory.setAppState(`${gameId}-p${i}`, "background");
  }
  await new RedisPushOutbox(await connection()).append({ kind, gameId, data: {}, at: Date.now() });
}

/** What a dead process's calls do: never answer. */
const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
const requestsTo = (token: string) => fake.requests.filter((r) => r.token === token).length;
const drained = async () => ((await admin.xpending("bingo:push", "push")) as unknown[])[0] === 0;

test("a live node slower than PUSH_CLAIM_TIMEOUT_MS keeps its entry (it renews its claim): one send per device", async () => {
  fake.hold();
  (await dispatcher("slow-node")).start();
  await queued("ONCE0001", ["once-slow-1", "once-slow-2"]);
  await fake.waitForRequests(2); // the slow node is sending, FCM holds the answers
  (await dispatcher("eager-node")).start();
  // Nothing to await for "no takeover": hold FCM for several claim timeouts, during which the
  // eager node looks for idle entries every half timeout.
  await new Promise((resolve) => setTimeout(resolve, 3 * CLAIM_TIMEOUT_MS));
  fake.release();
  await until("the entry acknowledged", drained);
  expect([requestsTo("once-slow-1"), requestsTo("once-slow-2")]).toEqual([1, 1]);
});

test("a node that dies between sending and acknowledging: the node taking over sends nothing again", async () => {
  let dead = false;
  let died!: () => void;
  const death = new Promise<void>((resolve) => (died = resolve));
  // This node's acknowledgement never happens: it dies right after FCM accepted the messages.
  const dying = await dispatcher("dying-node", (outbox) =>
    Object.assign(Object.create(outbox) as PushOutbox, {
      ack: () => {
        dead = true;
        died();
        return never<void>();
      },
      // Works while alive; a dead node takes and renews nothing any more.
      renew: (consumer: string, ids: readonly string[]) => (dead ? never<string[]>() : outbox.renew(consumer, ids)),
      take: (consumer: string, count: number, waitMs: number) => (dead ? never<OutboxEntry[]>() : outbox.take(consumer, count, waitMs)),
      reclaim: (consumer: string, idleMs: number, count: number) => (dead ? never<OutboxEntry[]>() : outbox.reclaim(consumer, idleMs, count)),
    }),
  );
  running.pop(); // never stopped: it hangs in its acknowledgement, as a dead node would
  dying.start();
  await queued("ONCE0002", ["once-dead-1", "once-dead-2"]);
  await death;
  expect([requestsTo("once-dead-1"), requestsTo("once-dead-2")]).toEqual([1, 1]);
  (await dispatcher("rescuer-node")).start();
  await until("the entry taken over and acknowledged", drained);
  expect([requestsTo("once-dead-1"), requestsTo("once-dead-2")]).toEqual([1, 1]);
});

test("an entry still failing after its retries goes to the dead letters; the other entries go on meanwhile", async () => {
  fake.fail("dlq-down", "internal");
  const before = await admin.xlen(DEAD_LETTERS);
  await queued("ONCE0003", ["dlq-down", "dlq-reached"]);
  await queued("ONCE0004", ["dlq-fine"]);
  (await dispatcher("dlq-node", (o) => o, [1000, 1000])).start();
  // The second entry goes out while the first one waits for its retries.
  await until("the second entry sent", () => requestsTo("dlq-fine") === 1);
  expect(requestsTo("dlq-down")).toBeLessThan(3);
  await until("the failing entry dead-lettered", async () => (await admin.xlen(DEAD_LETTERS)) === before + 1);
  expect(requestsTo("dlq-down")).toBe(3);
  const [[, fields]] = (await admin.xrevrange(DEAD_LETTERS, "+", "-", "COUNT", 1)) as [string, string[]][];
  const record = Object.fromEntries(fields.reduce<[string, string][]>((pairs, v, i, all) => (i % 2 ? pairs : [...pairs, [v, all[i + 1]]]), []));
  expect(JSON.parse(record.event)).toMatchObject({ kind: "round-start", gameId: "ONCE0003" });
  expect(record).toMatchObject({ failed: "1", reason: "retries-exhausted" });
  expect(await drained()).toBe(true);
  expect(requestsTo("dlq-reached")).toBe(1);

  // FCM works again: the replay reaches only the device the entry missed.
  fake.reset();
  expect(await replayDeadLetters(await connection(), 100)).toBe(1);
  await until("the replay sent", () => requestsTo("dlq-down") === 1);
  await until("the replay acknowledged", drained);
  expect(requestsTo("dlq-reached")).toBe(0);
  expect(await admin.xlen(DEAD_LETTERS)).toBe(before);
});

test("the age of the oldest entry not yet sent is what /metrics reports", async () => {
  const commands = await connection();
  await until("the outbox drained", drained);
  const producer = new RedisPushOutbox(await connection());
  await producer.append({ kind: "finished", gameId: "AGE00001", data: {}, at: Date.now() });
  const [[id]] = (await admin.xrevrange("bingo:push", "+", "-", "COUNT", 1)) as [string, string[]][];
  const age = await outboxOldestAgeMs(commands);
  expect(age).not.toBeNull();
  expect(age!).toBeGreaterThanOrEqual(0);
  expect(age!).toBeLessThanOrEqual(Date.now() - Number(id.split("-")[0]));
  (await dispatcher("age-node")).start();
  await until("the entry sent", drained);
  await until("nothing left", async () => (await outboxOldestAgeMs(commands)) === null);
});
