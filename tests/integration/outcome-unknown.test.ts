import { Redis } from "ioredis";
import type { Socket } from "socket.io-client";
import { io } from "socket.io-client";
import { BingoClient } from "../../shared/client";
import type { Ack, Claimed, ClientToServerEvents, Joined, ServerToClientEvents } from "../../shared/protocol";
import { ok } from "../support/acks";
import { nextEvent } from "../support/events";
import type { NodeProcess } from "../support/node-process";
import { startNodeProcess } from "../support/node-process";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import { TEST_SECRET, tokenFor } from "../support/test-app";

/**
 * UNAVAILABLE means nothing was done; a write that reached Redis but whose answer did not
 * arrive in time is OUTCOME_UNKNOWN, and sending it again with the same requestId tells
 * its outcome. Proven with a frozen Redis (SIGSTOP: commands sent to it run when it
 * resumes) and with a Redis that refuses the nodes' reconnections (the only way to get
 * requests that provably never left a node), during a claim storm over two real nodes.
 */

type RawSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const COMMAND_TIMEOUT_MS = "300";
const PLAYERS = 40;
/** Requests per player at most: below maxPerPlayer, so LIMIT_REACHED never muddles the count. */
const MAX_REQUESTS = 95;
/** Pacing between one player's claims, so the storm lasts through every phase. */
const PACE_MS = 100;

let redis: TestRedis;
let admin: Redis;
let redisPid: number;
const nodes: NodeProcess[] = [];
const clients: BingoClient[] = [];
const sockets: RawSocket[] = [];

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
  redisPid = Number(/process_id:(\d+)/.exec(await admin.info("server"))![1]);
  for (let i = 0; i < 2; i++) {
    nodes.push(
      await startNodeProcess({
        REDIS_URL: redis.url,
        AUTH_SECRET: TEST_SECRET,
        TICK_MS: "50",
        REDIS_COMMAND_TIMEOUT_MS: COMMAND_TIMEOUT_MS,
      }),
    );
  }
});

afterAll(async () => {
  for (const client of clients) client.close();
  for (const socket of sockets) socket.disconnect();
  await Promise.all(nodes.map((node) => node.stop()));
  admin.disconnect();
  await redis.stop();
});

/** Resumes Redis whatever happens in a test, so teardown never hangs on a stopped process. */
function frozen<T>(run: () => Promise<T>): Promise<T> {
  process.kill(redisPid, "SIGSTOP");
  return run().finally(() => process.kill(redisPid, "SIGCONT"));
}

async function sdk(url: string, sub: string, role: "player" | "host", options: { ackTimeoutMs?: number } = {}): Promise<BingoClient> {
  const client = await BingoClient.connect({ url, token: tokenFor(sub, role), ...options });
  clients.push(client);
  return client;
}

/** A bare socket.io-client: no retries of its own, so every answer the server gives is seen as given. */
function raw(url: string, sub: string): Promise<RawSocket> {
  const socket: RawSocket = io(url, { transports: ["websocket"], forceNew: true, reconnection: true, auth: { token: tokenFor(sub, "player") } });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 20);
    };
    check();
  });
}

async function newGame(hostSub: string, totalSlots: number, maxPerPlayer: number): Promise<{ host: BingoClient; gameId: string }> {
  const host = await sdk(nodes[0].url, hostSub, "host");
  const { gameId } = ok(await host.createGame({ title: hostSub }), "game:create");
  ok(await host.openClaims({ gameId, totalSlots, maxPerPlayer }), "claims:open");
  return { host, gameId };
}

interface Sent {
  readonly requestId: string;
  readonly answer: Ack<Claimed> | "no ack";
}

/** Card claims refused with `code`, summed over both nodes' /metrics. */
async function rejectedOnNodes(code: string): Promise<number> {
  let sum = 0;
  for (const node of nodes) {
    const text = await (await fetch(`${node.url}/metrics`)).text();
    const line = new RegExp(`^bingo_claims_rejected_total\\{[^}]*code="${code}"[^}]*\\} (\\S+)$`, "m").exec(text);
    sum += Number(line?.[1] ?? NaN);
  }
  return sum;
}

const codeOf = (answer: Ack<Claimed> | "no ack"): string => (answer === "no ack" ? "no ack" : answer.ok ? "granted" : answer.error.code);
const cardIds = (answer: Ack<Claimed> | "no ack"): number[] => (answer !== "no ack" && answer.ok ? answer.cards.map((card) => card.id) : []);

test("frozen Redis, then Redis refusing the nodes, mid-storm: nothing answered UNAVAILABLE is committed, and every OUTCOME_UNKNOWN sent again tells its real outcome", async () => {
  const { gameId } = await newGame("outcome-host", 10_000, 100);
  const players = await Promise.all(
    Array.from({ length: PLAYERS }, async (_, i) => {
      const sub = `outcome-${i}`;
      const socket = await raw(nodes[i % 2].url, sub);
      ok((await socket.timeout(10_000).emitWithAck("game:join", { gameId })) as Ack<Joined>, "game:join");
      return { sub, socket, sent: [] as Sent[] };
    }),
  );

  let stop = false;
  const seen = { granted: 0, OUTCOME_UNKNOWN: 0, UNAVAILABLE: 0 };
  const storm = players.map(async ({ sub, socket, sent }) => {
    for (let n = 0; !stop && n < MAX_REQUESTS; n++) {
      const requestId = `${sub}-${n}`;
      const answer = await socket
        .timeout(20_000)
        .emitWithAck("cards:claim", { gameId, count: 1, requestId })
        .catch(() => "no ack" as const);
      sent.push({ requestId, answer });
      const code = codeOf(answer);
      if (code in seen) seen[code as keyof typeof seen]++;
      await new Promise((resolve) => setTimeout(resolve, PACE_MS));
    }
  });

  await until(() => seen.granted >= PLAYERS, "the storm to get going");
  // A frozen Redis keeps its connections: the nodes send, and their commands run on SIGCONT.
  await frozen(() => until(() => seen.OUTCOME_UNKNOWN >= PLAYERS / 2, "answers while Redis is frozen"));
  const grantedAfterFreeze = seen.granted;
  await until(() => seen.granted >= grantedAfterFreeze + PLAYERS, "the storm to go on after the freeze");

  // No new connections admitted, then the nodes' connections cut: until they get back in,
  // the nodes cannot send anything, which is the one case allowed to say UNAVAILABLE.
  await admin.config("SET", "maxclients", "1");
  try {
    await admin.call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
    await until(() => seen.UNAVAILABLE >= PLAYERS / 2, "answers while the nodes cannot reach Redis");
  } finally {
    await admin.config("SET", "maxclients", "10000");
  }
  const grantedBeforeRecovery = seen.granted;
  await until(() => seen.granted >= grantedBeforeRecovery + PLAYERS, "the storm to go on after the nodes reconnect");
  stop = true;
  await Promise.all(storm);

  const all = players.flatMap((player) => player.sent);
  const byCode = (code: string) => all.filter(({ answer }) => codeOf(answer) === code);
  expect(byCode("OUTCOME_UNKNOWN").length).toBeGreaterThanOrEqual(PLAYERS / 2);
  expect(byCode("UNAVAILABLE").length).toBeGreaterThanOrEqual(PLAYERS / 2);
  // Nothing else: no claim was refused for any other reason, none went unanswered.
  expect(new Set(all.map(({ answer }) => codeOf(answer)))).toEqual(new Set(["granted", "OUTCOME_UNKNOWN", "UNAVAILABLE"]));
  // The nodes count both kinds apart, exactly as answered.
  expect(await rejectedOnNodes("OUTCOME_UNKNOWN")).toBe(byCode("OUTCOME_UNKNOWN").length);
  expect(await rejectedOnNodes("UNAVAILABLE")).toBe(byCode("UNAVAILABLE").length);

  for (const { socket, sent } of players) {
    // Every unknown outcome, asked again with its requestId, gets a definitive answer.
    const settled = new Map<string, Ack<Claimed>>();
    for (const { requestId, answer } of sent) {
      if (codeOf(answer) !== "OUTCOME_UNKNOWN") continue;
      const again = (await socket.timeout(10_000).emitWithAck("cards:claim", { gameId, count: 1, requestId })) as Ack<Claimed>;
      expect(codeOf(again)).toBe("granted");
      settled.set(requestId, again);
    }
    // The authoritative state: the cards the player holds are exactly those of the granted
    // answers and of the settled unknowns. A committed UNAVAILABLE would be a card more.
    const held = ok((await socket.timeout(10_000).emitWithAck("game:join", { gameId })) as Ack<Joined>, "game:join").game.myCards.map((c) => c.id);
    const answered = [...sent.flatMap(({ answer }) => cardIds(answer)), ...[...settled.values()].flatMap(cardIds)];
    expect([...held].sort((a, b) => a - b)).toEqual([...new Set(answered)].sort((a, b) => a - b));
    expect(held.length).toBe(sent.filter(({ answer }) => codeOf(answer) === "granted").length + settled.size);

    // And each UNAVAILABLE claim, sent again with its requestId, is new to the store: it is
    // granted now, with cards the player did not hold before.
    for (const { requestId, answer } of sent) {
      if (codeOf(answer) !== "UNAVAILABLE") continue;
      const again = (await socket.timeout(10_000).emitWithAck("cards:claim", { gameId, count: 1, requestId })) as Ack<Claimed>;
      expect(codeOf(again)).toBe("granted");
      for (const id of cardIds(again)) expect(held).not.toContain(id);
    }
  }
}, 180_000);

test("the SDK settles OUTCOME_UNKNOWN by itself: a claim sent to a frozen Redis resolves to its real outcome once Redis is back", async () => {
  const { gameId } = await newGame("sdk-outcome-host", 10, 5);
  const player = await sdk(nodes[1].url, "sdk-outcome-player", "player", { ackTimeoutMs: 20_000 });
  ok(await player.join(gameId), "join");
  let claimsSent = 0;
  player.socket.onAnyOutgoing((event) => {
    if (event === "cards:claim") claimsSent++;
  });

  let pending!: ReturnType<BingoClient["claim"]>;
  await frozen(async () => {
    pending = player.claim(gameId, 2, "sdk-frozen-claim");
    // A second send of the claim is the SDK's own retry after the server's OUTCOME_UNKNOWN
    // (no ack timeout can have passed): Redis may then be resumed.
    await until(() => claimsSent >= 2, "the SDK to send the claim again");
  });

  const granted = ok(await pending, "claim");
  expect(granted.cards).toHaveLength(2);
  const held = ok(await player.join(gameId), "join").game.myCards.map((card) => card.id);
  expect(held).toEqual(granted.cards.map((card) => card.id));
}, 60_000);

test("the SDK never says UNAVAILABLE for a request it sent: no ack is OUTCOME_UNKNOWN; a request it could not send is UNAVAILABLE", async () => {
  const { gameId } = await newGame("sdk-noack-host", 10, 5);
  // The ack wait is shorter than the node's wait for the frozen Redis: no ack comes in time.
  const impatient = await sdk(nodes[0].url, "sdk-noack-player", "player", { ackTimeoutMs: 100 });
  const unsettled = await frozen(() => impatient.claim(gameId, 1, "sdk-noack"));
  expect(unsettled).toEqual({ ok: false, error: { code: "OUTCOME_UNKNOWN", message: expect.any(String) } });
  // It was in fact done: the same requestId tells.
  const settled = ok(await impatient.claim(gameId, 1, "sdk-noack"), "claim again");
  expect(ok(await impatient.join(gameId), "join").game.myCards.map((card) => card.id)).toEqual(settled.cards.map((card) => card.id));

  const neverConnected = new BingoClient({ url: nodes[0].url, token: tokenFor("sdk-offline", "player"), ackTimeoutMs: 100, retries: 1 });
  clients.push(neverConnected);
  expect(await neverConnected.claim(gameId, 1)).toEqual({ ok: false, error: { code: "UNAVAILABLE", message: expect.any(String) } });
}, 60_000);

test("a push directory write (app:state) sent to a frozen Redis is OUTCOME_UNKNOWN, not UNAVAILABLE", async () => {
  const socket = await raw(nodes[0].url, "app-state-outcome");
  const answer = await frozen(() => socket.timeout(20_000).emitWithAck("app:state", { state: "background" }));
  expect(answer).toEqual({ ok: false, error: { code: "OUTCOME_UNKNOWN", message: expect.any(String) } });
  // Sent again (it is idempotent), it is done, once Redis answers.
  expect(await socket.timeout(20_000).emitWithAck("app:state", { state: "background" })).toEqual({ ok: true, state: "background" });
}, 60_000);

test("a draw whose answer was lost to a frozen Redis is OUTCOME_UNKNOWN; the same index sent again returns the ball drawn, and no other, and the room hears of it", async () => {
  const host = await sdk(nodes[0].url, "draw-outcome-host", "host", { ackTimeoutMs: 20_000 });
  const { gameId } = ok(await host.createGame({ title: "draw" }), "game:create");
  ok(await host.startRound(gameId), "round:start");
  const watcher = await sdk(nodes[1].url, "draw-outcome-watcher", "player");
  ok(await watcher.join(gameId), "join");
  const announced = nextEvent(watcher.socket, "draw", (message) => message.gameId === gameId && message.index === 0);
  const raw = host.socket.timeout(20_000);

  const lost = await frozen(() => raw.emitWithAck("round:draw", { gameId, index: 0 }));
  expect(lost).toEqual({ ok: false, error: { code: "OUTCOME_UNKNOWN", message: expect.any(String) } });

  const again = ok(await raw.emitWithAck("round:draw", { gameId, index: 0 }), "round:draw again");
  expect(again.index).toBe(0);
  const round = ok(await host.join(gameId), "join").game.round;
  expect(round.draws).toEqual([again.ball]);
  // The ball was drawn by the lost attempt, which announced nothing: the repeat does.
  expect((await announced).ball).toBe(again.ball);
}, 60_000);
