import { io } from "socket.io-client";
import type { Socket } from "socket.io-client";
import { roomOf } from "../../server/transport/socket-types";
import { BingoClient, ConnectError } from "../../shared/client";
import type { ClientEvent, ErrorCode, GameSnapshot } from "../../shared/protocol";
import { TokenAuthority } from "../../server/transport/tokens";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp, tokenFor } from "../support/test-app";

/** The ids of the games every case may refer to, known once the app runs. */
interface Games {
  /** Open for claims (50 slots, 5 per player); the player holds cards 1-2. */
  readonly open: string;
  /** Created by HOST, never opened: a wrongly accepted claims:open would open it. */
  readonly lobby: string;
}

type Sender = "host" | "otherHost" | "player";

interface BadCase {
  readonly event: ClientEvent;
  readonly label: string;
  readonly sender: Sender;
  /** Everything emitted before the ack; [] sends the ack alone. */
  readonly args: (games: Games) => unknown[];
  readonly code: ErrorCode;
}

const HOST = "host-1";
const UNKNOWN_GAME = "NOSUCHGAME42";
const KB10 = "x".repeat(10 * 1024);
const ACK_TIMEOUT_MS = 5000;

/** Payloads that are not an object at all, and the ack sent with no payload. */
const NOT_PAYLOADS: [string, () => unknown[]][] = [
  ["no payload at all (only the ack)", () => []],
  ["null", () => [null]],
  ["undefined", () => [undefined]],
  ["an array", () => [[UNKNOWN_GAME]]],
  ["a string", () => ["hello"]],
  ["a 10 KB string", () => [KB10]],
  ["a number", () => [42]],
  ["a boolean", () => [true]],
  ["binary data", () => [Buffer.from("binary")]],
];

/** gameId values that are not game ids: every event that takes one must refuse them. */
const BAD_GAME_IDS: [string, unknown][] = [
  ["a gameId with {", "AB{CD"],
  ["a gameId with }", "ABCD}"],
  ["a gameId that is a Redis hash tag", "{ABCD}"],
  ["a gameId with a space", "AB CD"],
  ["a 65-character gameId", "G".repeat(65)],
  ["a 10 KB gameId", KB10],
  ["an empty gameId", ""],
  ["a numeric gameId", 1234],
  ["a null gameId", null],
  ["an object gameId", { $gt: "" }],
  ["binary gameId", Buffer.from("ABCD")],
];

/** The malformed-input table for one event, sent by the role allowed to send it. */
function casesFor(
  event: ClientEvent,
  sender: Sender,
  payloads: [string, (games: Games) => unknown][],
  unknownGame?: (games: Games) => unknown,
): BadCase[] {
  const cases: BadCase[] = [
    ...NOT_PAYLOADS.map(([label, args]) => ({ event, label, sender, args, code: "BAD_REQUEST" as const })),
    ...payloads.map(([label, payload]) => ({ event, label, sender, args: (g: Games) => [payload(g)], code: "BAD_REQUEST" as const })),
    { event, label: "a bad payload followed by extra arguments", sender, args: () => [null, "extra", 7], code: "BAD_REQUEST" },
  ];
  if (unknownGame) cases.push({ event, label: "a well-formed unknown gameId", sender, args: (g) => [unknownGame(g)], code: "NOT_FOUND" });
  return cases;
}

const withGameIds = (make: (gameId: unknown, g: Games) => unknown): [string, (g: Games) => unknown][] => [
  ["no gameId", (g) => make(undefined, g)],
  ...BAD_GAME_IDS.map(([label, gameId]): [string, (g: Games) => unknown] => [label, (g) => make(gameId, g)]),
];

const open = (g: Games, fields: Record<string, unknown>) => ({ gameId: g.lobby, totalSlots: 10, maxPerPlayer: 2, ...fields });
const claim = (g: Games, fields: Record<string, unknown>) => ({ gameId: g.open, count: 1, requestId: "garbage-1", ...fields });

const MALFORMED: BadCase[] = [
  ...casesFor("game:create", "host", [
    ["variant 80", () => ({ variant: 80 })],
    ["variant '75' as a string", () => ({ variant: "75" })],
    ["an empty title", () => ({ title: "" })],
    ["a blank title", () => ({ title: "   " })],
    ["a 121-character title", () => ({ title: "t".repeat(121) })],
    ["a 10 KB title", () => ({ title: KB10 })],
    ["a numeric title", () => ({ title: 42 })],
  ]),
  ...casesFor(
    "claims:open",
    "host",
    [
      ["totalSlots 0", (g) => open(g, { totalSlots: 0 })],
      ["totalSlots -1", (g) => open(g, { totalSlots: -1 })],
      ["totalSlots 1.5", (g) => open(g, { totalSlots: 1.5 })],
      ["totalSlots huge", (g) => open(g, { totalSlots: 1e12 })],
      ["totalSlots '10'", (g) => open(g, { totalSlots: "10" })],
      ["totalSlots missing", (g) => open(g, { totalSlots: undefined })],
      ["maxPerPlayer 0", (g) => open(g, { maxPerPlayer: 0 })],
      ["maxPerPlayer 101", (g) => open(g, { maxPerPlayer: 101 })],
      ["maxPerPlayer 2.5", (g) => open(g, { maxPerPlayer: 2.5 })],
      ["maxPerPlayer missing", (g) => open(g, { maxPerPlayer: undefined })],
      ...withGameIds((gameId, g) => open(g, { gameId })),
    ],
    (g) => open(g, { gameId: UNKNOWN_GAME }),
  ),
  ...casesFor("claims:close", "host", withGameIds((gameId) => ({ gameId })), () => ({ gameId: UNKNOWN_GAME })),
  ...casesFor("game:join", "player", withGameIds((gameId) => ({ gameId })), () => ({ gameId: UNKNOWN_GAME })),
  ...casesFor(
    "cards:claim",
    "player",
    [
      ["count 0", (g) => claim(g, { count: 0 })],
      ["count -1", (g) => claim(g, { count: -1 })],
      ["count 1.5", (g) => claim(g, { count: 1.5 })],
      ["count 101", (g) => claim(g, { count: 101 })],
      ["count 1e9", (g) => claim(g, { count: 1e9 })],
      ["count MAX_SAFE_INTEGER", (g) => claim(g, { count: Number.MAX_SAFE_INTEGER })],
      ["count '2'", (g) => claim(g, { count: "2" })],
      ["count NaN (null on the wire)", (g) => claim(g, { count: NaN })],
      ["count Infinity (null on the wire)", (g) => claim(g, { count: Infinity })],
      ["count true", (g) => claim(g, { count: true })],
      ["count missing", (g) => claim(g, { count: undefined })],
      ["an empty requestId", (g) => claim(g, { requestId: "" })],
      ["a 65-character requestId", (g) => claim(g, { requestId: "r".repeat(65) })],
      ["a 10 KB requestId", (g) => claim(g, { requestId: KB10 })],
      ["a numeric requestId", (g) => claim(g, { requestId: 7 })],
      ["requestId missing", (g) => claim(g, { requestId: undefined })],
      ...withGameIds((gameId, g) => claim(g, { gameId })),
    ],
    (g) => claim(g, { gameId: UNKNOWN_GAME }),
  ),
];

/** Role and ownership refusals: checked before (and regardless of) the payload. */
const FORBIDDEN: BadCase[] = [
  { event: "game:create", label: "a player creating a game", sender: "player", args: () => [{}], code: "FORBIDDEN" },
  { event: "game:create", label: "a player creating a game, bad payload", sender: "player", args: () => [{ variant: 80 }], code: "FORBIDDEN" },
  { event: "claims:open", label: "a player opening claims", sender: "player", args: (g) => [open(g, {})], code: "FORBIDDEN" },
  { event: "claims:open", label: "a player opening claims, no payload", sender: "player", args: () => [], code: "FORBIDDEN" },
  { event: "claims:close", label: "a player closing claims", sender: "player", args: (g) => [{ gameId: g.open }], code: "FORBIDDEN" },
  { event: "cards:claim", label: "a host claiming cards", sender: "host", args: (g) => [claim(g, { requestId: "host-claim" })], code: "FORBIDDEN" },
  { event: "cards:claim", label: "a host claiming cards, bad payload", sender: "host", args: (g) => [claim(g, { count: 0 })], code: "FORBIDDEN" },
  { event: "claims:open", label: "another host opening HOST's game", sender: "otherHost", args: (g) => [open(g, {})], code: "FORBIDDEN" },
  { event: "claims:close", label: "another host closing HOST's game", sender: "otherHost", args: (g) => [{ gameId: g.open }], code: "FORBIDDEN" },
];

type RawSocket = Socket;
const raw = (client: BingoClient): RawSocket => client.socket as unknown as RawSocket;

/** Emits with an ack and resolves to the ack; rejects when none comes in time. */
function request(socket: RawSocket, event: string, ...args: unknown[]): Promise<unknown> {
  return socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, ...args);
}

/** Asserts exactly `{ ok: false, error: { code, message } }` with a non-empty message. */
function expectRefusal(ack: unknown, code: ErrorCode): void {
  expect(ack).toStrictEqual({ ok: false, error: { code, message: expect.any(String) } });
  expect((ack as { error: { message: string } }).error.message.length).toBeGreaterThan(0);
}

/** A joined game's snapshot as `client` sees it. */
async function snapshot(client: BingoClient, gameId: string): Promise<GameSnapshot> {
  const joined = await client.join(gameId);
  if (!joined.ok) throw new Error(`join ${gameId}: ${joined.error.code}`);
  return joined.game;
}

async function createGame(host: BingoClient, title: string): Promise<string> {
  const created = await host.createGame({ title });
  if (!created.ok) throw new Error(`create: ${created.error.code}`);
  return created.gameId;
}

async function openGame(host: BingoClient, title: string, totalSlots: number, maxPerPlayer: number): Promise<string> {
  const gameId = await createGame(host, title);
  expect(await host.openClaims({ gameId, totalSlots, maxPerPlayer })).toEqual({ ok: true, slots: { total: totalSlots, remaining: totalSlots, version: 1 } });
  return gameId;
}

/** Every event the socket receives from the server, in order. */
function recordIncoming(socket: RawSocket): unknown[][] {
  const seen: unknown[][] = [];
  socket.onAny((...args: unknown[]) => seen.push(args));
  return seen;
}

/** A raw socket.io-client socket that does not reconnect; the caller closes it. */
function rawSocket(app: TestApp, auth?: Record<string, unknown>): RawSocket {
  return io(app.url, { transports: ["websocket"], reconnection: false, ...(auth ? { auth } : {}) });
}

function connected(socket: RawSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
}

/** The connect_error a connection attempt gets; fails if it connects instead. */
async function connectError(app: TestApp, auth?: Record<string, unknown>): Promise<Error & { data?: unknown }> {
  const socket = rawSocket(app, auth);
  try {
    return await new Promise((resolve, reject) => {
      socket.once("connect", () => reject(new Error("the server accepted the connection")));
      socket.once("connect_error", resolve);
    });
  } finally {
    socket.close();
  }
}

/** What the SDK's open() rejects with for `token`; fails if it connects. */
async function sdkRefusal(app: TestApp, token: string): Promise<unknown> {
  const client = new BingoClient({ url: app.url, token });
  try {
    await client.open();
  } catch (error) {
    return error;
  } finally {
    client.close();
  }
  throw new Error("the server accepted the connection");
}

async function healthz(app: TestApp): Promise<number> {
  const response = await fetch(`${app.url}/healthz`);
  await response.text();
  return response.status;
}

interface Backend {
  readonly app: TestApp;
  stop(): Promise<void>;
}

const BACKENDS: [string, () => Promise<Backend>][] = [
  [
    "memory store",
    async () => {
      const app = await startTestApp();
      return { app, stop: () => app.stop() };
    },
  ],
  [
    "Redis store",
    async () => {
      const redis: TestRedis = await startRedis();
      const app = await startTestApp({ redisUrl: redis.url });
      return {
        app,
        async stop() {
          await app.stop();
          await redis.stop();
        },
      };
    },
  ],
];

describe.each(BACKENDS)("bad input on the %s", (_name, start) => {
  let backend: Backend;
  let app: TestApp;
  let host: BingoClient;
  let player: BingoClient;
  let garbage: BingoClient;
  let senders: Record<Sender, BingoClient>;
  let games: Games;
  /** Snapshots taken before any garbage was sent. */
  let before: { byGarbage: GameSnapshot; byPlayer: GameSnapshot; lobby: GameSnapshot };

  beforeAll(async () => {
    backend = await start();
    app = backend.app;
    host = await app.client(HOST, "host");
    player = await app.client("player-1", "player");
    garbage = await app.client("garbage-player", "player");
    senders = { host, otherHost: await app.client("host-2", "host"), player: garbage };

    const openId = await openGame(host, "Real show", 50, 5);
    const granted = await player.claim(openId, 2);
    expect(granted).toEqual({ ok: true, cards: [{ id: 1 }, { id: 2 }], slots: { total: 50, remaining: 48, version: 2 } });
    games = { open: openId, lobby: await createGame(host, "Lobby show") };

    before = {
      byGarbage: await snapshot(garbage, games.open),
      byPlayer: await snapshot(player, games.open),
      lobby: await snapshot(host, games.lobby),
    };
    expect(before.byGarbage).toMatchObject({ phase: "claiming", slots: { total: 50, remaining: 48, version: 2 }, myCards: [] });
    expect(before.byPlayer.myCards).toEqual([{ id: 1 }, { id: 2 }]);
    expect(before.lobby).toMatchObject({ phase: "lobby", slots: { total: 0, remaining: 0, version: 0 } });
  });

  afterAll(async () => {
    await backend.stop();
  });

  describe("malformed payloads are refused with an error ack", () => {
    test.each(MALFORMED.map((c) => [c.event, c.label, c.code, c] as const))("%s: %s → %s", async (event, _label, code, c) => {
      expectRefusal(await request(raw(senders[c.sender]), event, ...c.args(games)), code);
    });
  });

  describe("role and ownership are checked first", () => {
    test.each(FORBIDDEN.map((c) => [c.event, c.label, c] as const))("%s: %s → FORBIDDEN", async (event, _label, c) => {
      expectRefusal(await request(raw(senders[c.sender]), event, ...c.args(games)), "FORBIDDEN");
    });
  });

  describe("after all that garbage", () => {
    test("the senders are still connected", () => {
      for (const client of Object.values(senders)) expect(client.socket.connected).toBe(true);
    });

    test("the games are unchanged: same snapshots, no cards for the garbage sender", async () => {
      expect(await snapshot(garbage, games.open)).toEqual(before.byGarbage);
      expect(await snapshot(player, games.open)).toEqual(before.byPlayer);
      expect(await snapshot(host, games.lobby)).toEqual(before.lobby);
    });

    test("a valid claim still works, for the player and for the garbage sender", async () => {
      expect(await player.claim(games.open, 1)).toEqual({ ok: true, cards: [{ id: 3 }], slots: { total: 50, remaining: 47, version: 3 } });
      expect(await garbage.claim(games.open, 5)).toEqual({
        ok: true,
        cards: [{ id: 4 }, { id: 5 }, { id: 6 }, { id: 7 }, { id: 8 }],
        slots: { total: 50, remaining: 42, version: 4 },
      });
    });

    test("the server still serves HTTP", async () => {
      expect(await healthz(app)).toBe(200);
    });
  });

  describe("a valid payload followed by extra arguments is malformed too", () => {
    // Dedicated games, so that a wrongly accepted request shows here and nowhere else.
    let extras: { open: string; lobby: string };
    beforeAll(async () => {
      extras = { open: await openGame(host, "Extras show", 10, 3), lobby: await createGame(host, "Extras lobby") };
    });

    const EXTRA_ARGS: [ClientEvent, Sender, (e: { open: string; lobby: string }) => unknown][] = [
      ["game:create", "host", () => ({ title: "Extra" })],
      ["game:join", "player", (e) => ({ gameId: e.open })],
      ["cards:claim", "player", (e) => ({ gameId: e.open, count: 2, requestId: "extra-args" })],
      ["claims:open", "host", (e) => ({ gameId: e.lobby, totalSlots: 5, maxPerPlayer: 1 })],
      ["claims:close", "host", (e) => ({ gameId: e.open })],
    ];

    test.each(EXTRA_ARGS)("%s with a valid payload and an extra argument → BAD_REQUEST", async (event, sender, payload) => {
      expectRefusal(await request(raw(senders[sender]), event, payload(extras), "extra"), "BAD_REQUEST");
    });

    test("and changes nothing", async () => {
      expect(await snapshot(garbage, extras.open)).toMatchObject({ phase: "claiming", slots: { total: 10, remaining: 10, version: 1 }, myCards: [] });
      expect(await snapshot(host, extras.lobby)).toMatchObject({ phase: "lobby", slots: { version: 0 } });
    });
  });

  describe("events sent without an ack", () => {
    test("get no reply and change nothing, even when the payload is valid", async () => {
      const quiet = await openGame(host, "Quiet show", 10, 5);
      const quietLobby = await createGame(host, "Quiet lobby");
      // Fresh connections, in no room, so anything they receive would be a reply.
      const silentHost = await app.client(HOST, "host");
      const silentPlayer = await app.client("silent-player", "player");
      const hostSeen = recordIncoming(raw(silentHost));
      const playerSeen = recordIncoming(raw(silentPlayer));

      for (const [socket, event, payload] of [
        [raw(silentHost), "game:create", { title: "No ack" }],
        [raw(silentHost), "claims:open", { gameId: quietLobby, totalSlots: 5, maxPerPlayer: 1 }],
        [raw(silentHost), "claims:close", { gameId: quiet }],
        [raw(silentHost), "claims:open", { gameId: quietLobby, totalSlots: -1 }],
        [raw(silentPlayer), "game:join", { gameId: quiet }],
        [raw(silentPlayer), "cards:claim", { gameId: quiet, count: 3, requestId: "no-ack-1" }],
        [raw(silentPlayer), "cards:claim", { gameId: quiet, count: 0, requestId: "no-ack-2" }],
        [raw(silentPlayer), "cards:claim", null],
        [raw(silentPlayer), "game:create", {}],
      ] as const) {
        socket.emit(event, payload);
      }
      raw(silentPlayer).emit("cards:claim");

      // Socket.IO handles a socket's events in order: these acks come after the events above.
      expectRefusal(await request(raw(silentHost), "claims:close", { gameId: UNKNOWN_GAME }), "NOT_FOUND");
      // The same queue as the no-ack claim: had it been taken, it would have come first.
      expect(await silentPlayer.claim(quiet, 1, "acked-1")).toEqual({ ok: true, cards: [{ id: 1 }], slots: { total: 10, remaining: 9, version: 2 } });

      expect(hostSeen).toEqual([]);
      expect(playerSeen).toEqual([]);
      expect(app.io.of("/").adapter.rooms.get(roomOf(quiet))?.has(raw(silentPlayer).id!) ?? false).toBe(false);
      expect(await snapshot(host, quiet)).toMatchObject({ phase: "claiming", slots: { total: 10, remaining: 9, version: 2 } });
      expect(await snapshot(host, quietLobby)).toMatchObject({ phase: "lobby", slots: { total: 0, remaining: 0, version: 0 } });
      expect((await snapshot(silentPlayer, quiet)).myCards).toEqual([{ id: 1 }]);
    });
  });

  describe("a payload over maxHttpBufferSize (16 KB)", () => {
    test("drops that connection only; the server keeps serving other clients", async () => {
      const big = rawSocket(app, { token: tokenFor("big-player", "player") });
      try {
        await connected(big);
        const dropped = new Promise<string>((resolve) => big.once("disconnect", (reason) => resolve(reason)));
        big.emit("game:join", { gameId: "x".repeat(20 * 1024) });
        expect(await dropped).toMatch(/^transport (close|error)$/);
        expect(big.connected).toBe(false);
      } finally {
        big.close();
      }
      expect(await snapshot(player, games.open)).toMatchObject({ phase: "claiming", slots: { total: 50 } });
      expect(await healthz(app)).toBe(200);
      const newcomer = await app.client("newcomer", "player");
      expect((await snapshot(newcomer, games.open)).myCards).toEqual([]);
    });
  });

  describe("connections without a valid token are refused with UNAUTHORIZED", () => {
    const otherSecret = new TokenAuthority("some-other-secret-0123456789");

    test.each<[string, Record<string, unknown> | undefined]>([
      ["no auth at all", undefined],
      ["auth without a token", {}],
      ["an empty token", { token: "" }],
      ["a numeric token", { token: 42 }],
      ["a garbage token", { token: "garbage.token.here" }],
      ["a token signed with another secret", { token: otherSecret.sign({ sub: "mallory", role: "host" }) }],
    ])("%s: connect_error with data.code UNAUTHORIZED", async (_label, auth) => {
      const error = await connectError(app, auth);
      expect(error.data).toStrictEqual({ code: "UNAUTHORIZED", message: expect.any(String) });
    });

    test.each([
      ["an empty token", ""],
      ["a garbage token", "not-a-jwt"],
      ["a token signed with another secret", otherSecret.sign({ sub: "mallory", role: "player" })],
    ])("the SDK's open() rejects %s with ConnectError UNAUTHORIZED", async (_label, token) => {
      const error = await sdkRefusal(app, token);
      expect(error).toBeInstanceOf(ConnectError);
      expect((error as ConnectError).code).toBe("UNAUTHORIZED");
      expect((error as ConnectError).message.length).toBeGreaterThan(0);
    });

    test("the server still serves after the refusals", async () => {
      expect(await healthz(app)).toBe(200);
      expect((await snapshot(player, games.open)).phase).toBe("claiming");
    });
  });
});
