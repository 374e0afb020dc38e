import { io } from "socket.io-client";
import type { Socket } from "socket.io-client";
import { roomOf } from "../../server/transport/socket-types";
import { BingoClient, ConnectError } from "../../shared/client";
import type { Ack, Card, Claimed, ClientEvent, ErrorCode, GameSnapshot, Grid, SlotState } from "../../shared/protocol";
import { TokenAuthority } from "../../server/identity/tokens";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp, tokenFor } from "../support/test-app";

/** The ids of the games every case may refer to, known once the app runs. */
interface Games {
  /** Open for claims (50 slots, 5 per player); the player holds cards 1-2. */
  readonly open: string;
  /** Created by HOST, never opened: a wrongly accepted claims:open or round:start would open or start it. */
  readonly lobby: string;
  /**
   * HOST's round is running with no ball drawn, not paused, no auto-draw; the player holds
   * cards 1-2. A wrongly accepted round:draw, round:auto, round:pause or round:end would show.
   */
  readonly running: string;
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
// The round payloads below are valid but for the field under test, and aim at the running game.
const draw = (g: Games, fields: Record<string, unknown>) => ({ gameId: g.running, index: 0, ...fields });
const autoDraw = (g: Games, fields: Record<string, unknown>) => ({ gameId: g.running, intervalMs: 1000, ...fields });
const call = (g: Games, fields: Record<string, unknown>) => ({ gameId: g.running, cardId: 1, requestId: "garbage-call", ...fields });
const autoClaim = (g: Games, fields: Record<string, unknown>) => ({ gameId: g.running, enabled: false, ...fields });
/** Round events whose payload is only a gameId. */
const ROUND_REF_EVENTS = ["round:start", "round:pause", "round:resume", "round:end"] as const;

const MALFORMED: BadCase[] = [
  ...casesFor("game:create", "host", [
    ["variant 80", () => ({ variant: 80 })],
    ["variant '75' as a string", () => ({ variant: "75" })],
    ["an empty title", () => ({ title: "" })],
    ["a blank title", () => ({ title: "   " })],
    ["a 121-character title", () => ({ title: "t".repeat(121) })],
    ["a 10 KB title", () => ({ title: KB10 })],
    ["a numeric title", () => ({ title: 42 })],
    ["patterns not an array", () => ({ patterns: "line" })],
    ["no patterns (empty list)", () => ({ patterns: [] })],
    ["an unknown pattern", () => ({ patterns: ["bingo"] })],
    ["a numeric pattern", () => ({ patterns: [1] })],
    ["a pattern twice", () => ({ patterns: ["line", "line"] })],
    ["four patterns", () => ({ patterns: ["line", "four-corners", "full-house", "line"] })],
    ["a 90-ball pattern for 75-ball", () => ({ patterns: ["one-line"] })],
    ["a 75-ball pattern for 90-ball", () => ({ variant: 90, patterns: ["line", "two-lines", "full-house"] })],
    ["90-ball patterns out of order", () => ({ variant: 90, patterns: ["full-house", "two-lines", "one-line"] })],
    ["90-ball with fewer patterns", () => ({ variant: 90, patterns: ["full-house"] })],
    ["a 10 KB pattern name", () => ({ patterns: [KB10] })],
    ["an unknown recordIds", () => ({ recordIds: "plain" })],
    ["recordIds not a string", () => ({ recordIds: true })],
    ["prizes not an array", () => ({ prizes: 100 })],
    ["no prizes (empty list)", () => ({ prizes: [] })],
    ["a negative prize", () => ({ prizes: [-1, 0] })],
    ["a fractional prize", () => ({ prizes: [1.5, 0] })],
    ["a prize as a string", () => ({ prizes: ["100", 0] })],
    ["a prize over 10^12", () => ({ prizes: [1e12 + 1, 0] })],
    ["a NaN prize (null on the wire)", () => ({ prizes: [NaN, 0] })],
    ["fewer prizes than the default patterns", () => ({ prizes: [100] })],
    ["more prizes than patterns", () => ({ patterns: ["full-house"], prizes: [100, 100] })],
    ["four prizes", () => ({ prizes: [1, 2, 3, 4] })],
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
  ...casesFor(
    "game:join",
    "player",
    [
      ...withGameIds((gameId) => ({ gameId })),
      ["knownCards not an array", (g) => ({ gameId: g.open, knownCards: 1 })],
      ["knownCards with card 0", (g) => ({ gameId: g.open, knownCards: [0] })],
      ["knownCards with a fractional id", (g) => ({ gameId: g.open, knownCards: [1.5] })],
      ["knownCards with an id as a string", (g) => ({ gameId: g.open, knownCards: ["1"] })],
      ["knownCards with an id past MAX_TOTAL_SLOTS", (g) => ({ gameId: g.open, knownCards: [10_000_001] })],
      ["knownCards with null (NaN on the wire)", (g) => ({ gameId: g.open, knownCards: [NaN] })],
      ["knownCards of 101 ids", (g) => ({ gameId: g.open, knownCards: Array.from({ length: 101 }, (_, i) => i + 1) })],
      ["knownCards of 2,000 ids", (g) => ({ gameId: g.open, knownCards: Array.from({ length: 2_000 }, (_, i) => i + 1) })],
    ],
    () => ({ gameId: UNKNOWN_GAME }),
  ),
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
  ...ROUND_REF_EVENTS.flatMap((event) => casesFor(event, "host", withGameIds((gameId) => ({ gameId })), () => ({ gameId: UNKNOWN_GAME }))),
  ...casesFor(
    "round:draw",
    "host",
    [
      // A missing index is valid (draw the next ball), so it is not here.
      ["index -1", (g) => draw(g, { index: -1 })],
      ["index 90", (g) => draw(g, { index: 90 })],
      ["index 1.5", (g) => draw(g, { index: 1.5 })],
      ["index 1e9", (g) => draw(g, { index: 1e9 })],
      ["index '0'", (g) => draw(g, { index: "0" })],
      ["index null", (g) => draw(g, { index: null })],
      ["index NaN (null on the wire)", (g) => draw(g, { index: NaN })],
      ["index true", (g) => draw(g, { index: true })],
      ["index [0]", (g) => draw(g, { index: [0] })],
      ...withGameIds((gameId, g) => draw(g, { gameId })),
    ],
    () => ({ gameId: UNKNOWN_GAME, index: 0 }),
  ),
  ...casesFor(
    "round:auto",
    "host",
    [
      // intervalMs null (auto-draw off) is valid, so NaN and Infinity, null on the wire, are not here.
      ["intervalMs missing", (g) => autoDraw(g, { intervalMs: undefined })],
      ["intervalMs 0", (g) => autoDraw(g, { intervalMs: 0 })],
      ["intervalMs 249", (g) => autoDraw(g, { intervalMs: 249 })],
      ["intervalMs -1000", (g) => autoDraw(g, { intervalMs: -1000 })],
      ["intervalMs 600001", (g) => autoDraw(g, { intervalMs: 600_001 })],
      ["intervalMs 1e12", (g) => autoDraw(g, { intervalMs: 1e12 })],
      ["intervalMs 1000.5", (g) => autoDraw(g, { intervalMs: 1000.5 })],
      ["intervalMs '1000'", (g) => autoDraw(g, { intervalMs: "1000" })],
      ["intervalMs false", (g) => autoDraw(g, { intervalMs: false })],
      ["intervalMs {}", (g) => autoDraw(g, { intervalMs: {} })],
      ...withGameIds((gameId, g) => autoDraw(g, { gameId })),
    ],
    () => ({ gameId: UNKNOWN_GAME, intervalMs: 1000 }),
  ),
  ...casesFor(
    "bingo:call",
    "player",
    [
      ["cardId 0", (g) => call(g, { cardId: 0 })],
      ["cardId -1", (g) => call(g, { cardId: -1 })],
      ["cardId 1.5", (g) => call(g, { cardId: 1.5 })],
      ["cardId 10000001", (g) => call(g, { cardId: 10_000_001 })],
      ["cardId MAX_SAFE_INTEGER", (g) => call(g, { cardId: Number.MAX_SAFE_INTEGER })],
      ["cardId '1'", (g) => call(g, { cardId: "1" })],
      ["cardId NaN (null on the wire)", (g) => call(g, { cardId: NaN })],
      ["cardId Infinity (null on the wire)", (g) => call(g, { cardId: Infinity })],
      ["cardId true", (g) => call(g, { cardId: true })],
      ["cardId [1]", (g) => call(g, { cardId: [1] })],
      ["cardId missing", (g) => call(g, { cardId: undefined })],
      ["an empty requestId", (g) => call(g, { requestId: "" })],
      ["a 65-character requestId", (g) => call(g, { requestId: "r".repeat(65) })],
      ["a 10 KB requestId", (g) => call(g, { requestId: KB10 })],
      ["a numeric requestId", (g) => call(g, { requestId: 7 })],
      ["a null requestId", (g) => call(g, { requestId: null })],
      ["requestId missing", (g) => call(g, { requestId: undefined })],
      ...withGameIds((gameId, g) => call(g, { gameId })),
    ],
    () => ({ gameId: UNKNOWN_GAME, cardId: 1, requestId: "unknown-game-call" }),
  ),
  ...casesFor(
    "bingo:auto",
    "player",
    [
      ["enabled missing", (g) => autoClaim(g, { enabled: undefined })],
      ["enabled null", (g) => autoClaim(g, { enabled: null })],
      ["enabled 'false'", (g) => autoClaim(g, { enabled: "false" })],
      ["enabled 'true'", (g) => autoClaim(g, { enabled: "true" })],
      ["enabled 0", (g) => autoClaim(g, { enabled: 0 })],
      ["enabled 1", (g) => autoClaim(g, { enabled: 1 })],
      ["enabled a 10 KB string", (g) => autoClaim(g, { enabled: KB10 })],
      ["enabled {}", (g) => autoClaim(g, { enabled: {} })],
      ...withGameIds((gameId, g) => autoClaim(g, { gameId })),
    ],
    () => ({ gameId: UNKNOWN_GAME, enabled: false }),
  ),
  ...casesFor("push:register", "player", [
    ["no token", () => ({ platform: "android" })],
    ["an empty token", () => ({ token: "", platform: "android" })],
    ["a 10 KB token", () => ({ token: KB10, platform: "android" })],
    ["a numeric token", () => ({ token: 42, platform: "ios" })],
    ["no platform", () => ({ token: "t" })],
    ["platform 'windows'", () => ({ token: "t", platform: "windows" })],
    ["platform null", () => ({ token: "t", platform: null })],
  ]),
  ...casesFor("push:unregister", "player", [
    ["no token", () => ({})],
    ["an empty token", () => ({ token: "" })],
    ["a 10 KB token", () => ({ token: KB10 })],
    ["an object token", () => ({ token: { $ne: "" } })],
  ]),
  ...casesFor("app:state", "player", [
    ["no state", () => ({})],
    ["state 'asleep'", () => ({ state: "asleep" })],
    ["state true", () => ({ state: true })],
    ["state a 10 KB string", () => ({ state: KB10 })],
  ]),
];

/** Every host-only round event with a valid payload for HOST: accepted, it would change a fixture game. */
const ROUND_EVENTS: [ClientEvent, (g: Games) => unknown][] = [
  ["round:start", (g) => ({ gameId: g.lobby })],
  ["round:draw", (g) => ({ gameId: g.running, index: 0 })],
  ["round:auto", (g) => ({ gameId: g.running, intervalMs: 1000 })],
  ["round:pause", (g) => ({ gameId: g.running })],
  ["round:resume", (g) => ({ gameId: g.running })],
  ["round:end", (g) => ({ gameId: g.running })],
];

/** Every player-only round event with a valid payload. */
const PLAYER_EVENTS: [ClientEvent, (g: Games) => Record<string, unknown>][] = [
  ["bingo:call", (g) => ({ gameId: g.running, cardId: 1, requestId: "host-call" })],
  ["bingo:auto", (g) => ({ gameId: g.running, enabled: false })],
];

/** Player-only device and presence events: a host gets FORBIDDEN. */
const PRESENCE_EVENTS: [ClientEvent, Record<string, unknown>][] = [
  ["push:register", { token: "host-token", platform: "web" }],
  ["push:unregister", { token: "host-token" }],
  ["app:state", { state: "background" }],
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
  ...ROUND_EVENTS.flatMap(([event, payload]): BadCase[] => [
    { event, label: "a player, valid payload", sender: "player", args: (g) => [payload(g)], code: "FORBIDDEN" },
    { event, label: "a player, no payload", sender: "player", args: () => [], code: "FORBIDDEN" },
    { event, label: "a player, a bad payload and extra arguments", sender: "player", args: () => [{ gameId: "{x}" }, "extra"], code: "FORBIDDEN" },
    { event, label: "a player, an unknown game", sender: "player", args: () => [{ gameId: UNKNOWN_GAME }], code: "FORBIDDEN" },
    { event, label: "another host on HOST's game", sender: "otherHost", args: (g) => [payload(g)], code: "FORBIDDEN" },
  ]),
  { event: "round:start", label: "another host starting HOST's open game", sender: "otherHost", args: (g) => [{ gameId: g.open }], code: "FORBIDDEN" },
  { event: "round:draw", label: "another host drawing without an index", sender: "otherHost", args: (g) => [{ gameId: g.running }], code: "FORBIDDEN" },
  { event: "round:auto", label: "another host turning auto-draw off", sender: "otherHost", args: (g) => [{ gameId: g.running, intervalMs: null }], code: "FORBIDDEN" },
  ...PLAYER_EVENTS.flatMap(([event, payload]): BadCase[] => [
    { event, label: "HOST, valid payload", sender: "host", args: (g) => [payload(g)], code: "FORBIDDEN" },
    { event, label: "another host, valid payload", sender: "otherHost", args: (g) => [payload(g)], code: "FORBIDDEN" },
    { event, label: "a host, no payload", sender: "host", args: () => [], code: "FORBIDDEN" },
    { event, label: "a host, a bad payload", sender: "host", args: () => [{ gameId: 7 }], code: "FORBIDDEN" },
    { event, label: "a host, an unknown game", sender: "host", args: (g) => [{ ...payload(g), gameId: UNKNOWN_GAME }], code: "FORBIDDEN" },
  ]),
  ...PRESENCE_EVENTS.flatMap(([event, payload]): BadCase[] => [
    { event, label: "a host, valid payload", sender: "host", args: () => [payload], code: "FORBIDDEN" },
    { event, label: "a host, no payload", sender: "host", args: () => [], code: "FORBIDDEN" },
  ]),
  // Reaches the tick: the store checks the card is the caller's.
  { event: "bingo:call", label: "a player calling on another player's card", sender: "player", args: (g) => [call(g, { cardId: 1 })], code: "FORBIDDEN" },
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

/** A 75-ball card: 5 rows of 5, the free centre 0, column c holding distinct numbers of 15c+1 .. 15c+15. */
function expectCard75(grid: Grid): void {
  expect(grid).toHaveLength(5);
  for (const row of grid) expect(row).toHaveLength(5);
  expect(grid[2][2]).toBe(0);
  for (let c = 0; c < 5; c++) {
    const column = grid.map((row) => row[c]).filter((_, r) => !(c === 2 && r === 2));
    expect(new Set(column).size).toBe(column.length);
    for (const n of column) {
      expect(Number.isInteger(n)).toBe(true);
      expect(n).toBeGreaterThanOrEqual(15 * c + 1);
      expect(n).toBeLessThanOrEqual(15 * c + 15);
    }
  }
}

/**
 * Cards with exactly these ids, each `{ id, grid }` with a 75-ball grid. Clients cannot
 * compute a grid (the seed is secret until the game ends), so ids and shapes are compared.
 */
function expectCards(cards: readonly Card[], ids: number[]): void {
  expect(cards.map((card) => card.id)).toEqual(ids);
  for (const card of cards) {
    expect(Object.keys(card).sort()).toEqual(["grid", "id"]);
    expectCard75(card.grid);
  }
}

/** Asserts a granted claim of exactly these card ids and this slot state; returns its cards. */
function expectGranted(ack: Ack<Claimed>, ids: number[], slots: SlotState): readonly Card[] {
  expect(ack).toEqual({ ok: true, cards: expect.any(Array), slots });
  if (!ack.ok) throw new Error(`claim refused: ${ack.error.code}`);
  expectCards(ack.cards, ids);
  return ack.cards;
}

/** The round of a game no round was started for, or of one started with no ball drawn yet (version 1). */
const NOT_STARTED = { draws: [], pattern: 0, paused: false, autoIntervalMs: null, awards: [], version: 0 };
const STARTED = { ...NOT_STARTED, version: 1 };

/** Starts HOST's round of `gameId` (which closes its claims) and checks the ack. */
async function startRound(host: BingoClient, gameId: string): Promise<void> {
  expect(await host.request("round:start", { gameId })).toEqual({ ok: true, round: STARTED });
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
  /** The player's cards in the open game (1-2), as granted. */
  let playerCards: readonly Card[];
  /** Snapshots taken before any garbage was sent. */
  let before: {
    byGarbage: GameSnapshot;
    byPlayer: GameSnapshot;
    lobby: GameSnapshot;
    runningByHost: GameSnapshot;
    runningByPlayer: GameSnapshot;
    runningByGarbage: GameSnapshot;
  };

  beforeAll(async () => {
    backend = await start();
    app = backend.app;
    host = await app.client(HOST, "host");
    player = await app.client("player-1", "player");
    garbage = await app.client("garbage-player", "player");
    senders = { host, otherHost: await app.client("host-2", "host"), player: garbage };

    const openId = await openGame(host, "Real show", 50, 5);
    playerCards = expectGranted(await player.claim(openId, 2), [1, 2], { total: 50, remaining: 48, version: 2 });
    const runningId = await openGame(host, "Running show", 10, 5);
    expectGranted(await player.claim(runningId, 2), [1, 2], { total: 10, remaining: 8, version: 2 });
    await startRound(host, runningId);
    games = { open: openId, lobby: await createGame(host, "Lobby show"), running: runningId };

    before = {
      byGarbage: await snapshot(garbage, games.open),
      byPlayer: await snapshot(player, games.open),
      lobby: await snapshot(host, games.lobby),
      runningByHost: await snapshot(host, games.running),
      runningByPlayer: await snapshot(player, games.running),
      runningByGarbage: await snapshot(garbage, games.running),
    };
    const fresh = { commitment: expect.stringMatching(/^[0-9a-f]{64}$/), seed: null, patterns: ["line", "full-house"], prizes: [0, 0], autoClaim: true };
    expect(before.byGarbage).toMatchObject({ ...fresh, phase: "claiming", slots: { total: 50, remaining: 48, version: 2 }, myCards: [], round: NOT_STARTED });
    expect(before.byPlayer).toMatchObject({ ...fresh, phase: "claiming", round: NOT_STARTED });
    // The snapshot shows the very cards the claim granted, grids included.
    expect(before.byPlayer.myCards).toEqual(playerCards);
    expect(before.lobby).toMatchObject({ ...fresh, phase: "lobby", slots: { total: 0, remaining: 0, version: 0 }, round: NOT_STARTED });
    // round:start closed the claim window (one more slot version).
    expect(before.runningByHost).toMatchObject({ ...fresh, phase: "running", slots: { total: 10, remaining: 8, version: 3 }, myCards: [], round: STARTED });
    expect(before.runningByPlayer).toMatchObject({ ...fresh, phase: "running", round: STARTED });
    expectCards(before.runningByPlayer.myCards, [1, 2]);
    expect(before.runningByGarbage).toMatchObject({ ...fresh, phase: "running", myCards: [], round: STARTED });
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
    // Sent again here, so these checks hold on their own (jest -t) and not only after the
    // describes above: every request is refused, so sending it twice changes nothing.
    beforeAll(async () => {
      for (const c of MALFORMED) expectRefusal(await request(raw(senders[c.sender]), c.event, ...c.args(games)), c.code);
      for (const c of FORBIDDEN) expectRefusal(await request(raw(senders[c.sender]), c.event, ...c.args(games)), "FORBIDDEN");
    });

    test("the senders are still connected", () => {
      for (const client of Object.values(senders)) expect(client.socket.connected).toBe(true);
    });

    test("the games are unchanged: same snapshots, no cards for the garbage sender", async () => {
      expect(await snapshot(garbage, games.open)).toEqual(before.byGarbage);
      expect(await snapshot(player, games.open)).toEqual(before.byPlayer);
      expect(await snapshot(host, games.lobby)).toEqual(before.lobby);
      expect(await snapshot(host, games.running)).toEqual(before.runningByHost);
      expect(await snapshot(player, games.running)).toEqual(before.runningByPlayer);
      expect(await snapshot(garbage, games.running)).toEqual(before.runningByGarbage);
    });

    test("no round started, no ball was drawn, nothing was paused, put on auto, awarded or ended", async () => {
      for (const [client, gameId, phase, round] of [
        [garbage, games.open, "claiming", NOT_STARTED],
        [host, games.lobby, "lobby", NOT_STARTED],
        [garbage, games.running, "running", STARTED],
      ] as const) {
        const game = await snapshot(client, gameId);
        expect(game.phase).toBe(phase);
        expect(game.round).toEqual(round);
        expect(game.seed).toBeNull();
        // The garbage sender's bingo:auto was never applied.
        expect(game.autoClaim).toBe(true);
      }
    });

    test("a valid claim still works, for the player and for the garbage sender", async () => {
      const third = expectGranted(await player.claim(games.open, 1), [3], { total: 50, remaining: 47, version: 3 });
      expectGranted(await garbage.claim(games.open, 5), [4, 5, 6, 7, 8], { total: 50, remaining: 42, version: 4 });
      expect((await snapshot(player, games.open)).myCards).toEqual([...playerCards, ...third]);
    });

    test("valid round events still work: a call with no ball drawn is INVALID_CLAIM, a draw draws index 0, bingo:auto applies", async () => {
      const invalid = await player.request("bingo:call", { gameId: games.running, cardId: 1, requestId: "valid-call" });
      expectRefusal(invalid, "INVALID_CLAIM");
      const drawn = await host.request("round:draw", { gameId: games.running, index: 0 });
      expect(drawn).toEqual({ ok: true, ball: expect.any(Number), index: 0, version: 2 });
      const ball = drawn.ok ? drawn.ball : 0;
      expect(ball).toBeGreaterThanOrEqual(1);
      expect(ball).toBeLessThanOrEqual(75);
      expect(await garbage.request("bingo:auto", { gameId: games.running, enabled: false })).toEqual({ ok: true, enabled: false });
      expect((await snapshot(garbage, games.running)).autoClaim).toBe(false);
      expect((await snapshot(player, games.running)).round).toEqual({ ...STARTED, draws: [ball], version: 2 });
    });

    test("the server still serves HTTP", async () => {
      expect(await healthz(app)).toBe(200);
    });
  });

  describe("a valid payload followed by extra arguments is malformed too", () => {
    // Dedicated games, so that a wrongly accepted request shows here and nowhere else.
    interface Extras {
      readonly open: string;
      readonly lobby: string;
      /** Round running, no ball drawn; the garbage sender holds card 1. */
      readonly running: string;
    }
    let extras: Extras;
    let runningBefore: GameSnapshot;
    beforeAll(async () => {
      const running = await openGame(host, "Extras running", 10, 3);
      expectGranted(await garbage.claim(running, 1), [1], { total: 10, remaining: 9, version: 2 });
      await startRound(host, running);
      extras = { open: await openGame(host, "Extras show", 10, 3), lobby: await createGame(host, "Extras lobby"), running };
      runningBefore = await snapshot(garbage, running);
    });

    const EXTRA_ARGS: [ClientEvent, Sender, (e: Extras) => unknown][] = [
      ["game:create", "host", () => ({ title: "Extra" })],
      ["game:join", "player", (e) => ({ gameId: e.open })],
      ["cards:claim", "player", (e) => ({ gameId: e.open, count: 2, requestId: "extra-args" })],
      ["claims:open", "host", (e) => ({ gameId: e.lobby, totalSlots: 5, maxPerPlayer: 1 })],
      ["claims:close", "host", (e) => ({ gameId: e.open })],
      ["round:start", "host", (e) => ({ gameId: e.lobby })],
      ["round:draw", "host", (e) => ({ gameId: e.running })],
      ["round:draw", "host", (e) => ({ gameId: e.running, index: 0 })],
      ["round:auto", "host", (e) => ({ gameId: e.running, intervalMs: 1000 })],
      ["round:pause", "host", (e) => ({ gameId: e.running })],
      ["round:resume", "host", (e) => ({ gameId: e.running })],
      ["round:end", "host", (e) => ({ gameId: e.running })],
      ["bingo:call", "player", (e) => ({ gameId: e.running, cardId: 1, requestId: "extra-call" })],
      ["bingo:auto", "player", (e) => ({ gameId: e.running, enabled: false })],
    ];

    test.each(EXTRA_ARGS)("%s with a valid payload and an extra argument → BAD_REQUEST", async (event, sender, payload) => {
      expectRefusal(await request(raw(senders[sender]), event, payload(extras), "extra"), "BAD_REQUEST");
    });

    test("and changes nothing", async () => {
      expect(await snapshot(garbage, extras.open)).toMatchObject({ phase: "claiming", slots: { total: 10, remaining: 10, version: 1 }, myCards: [], round: NOT_STARTED });
      expect(await snapshot(host, extras.lobby)).toMatchObject({ phase: "lobby", slots: { version: 0 }, round: NOT_STARTED });
      const running = await snapshot(garbage, extras.running);
      expect(running).toEqual(runningBefore);
      expect(running).toMatchObject({ phase: "running", seed: null, round: STARTED, autoClaim: true });
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
        [raw(silentHost), "round:start", { gameId: quietLobby }],
        [raw(silentHost), "round:start", { gameId: quiet }],
        [raw(silentHost), "round:draw", { gameId: quiet }],
        [raw(silentHost), "round:auto", { gameId: quiet, intervalMs: 1000 }],
        [raw(silentHost), "round:pause", { gameId: quiet }],
        [raw(silentHost), "round:end", { gameId: quietLobby }],
        [raw(silentHost), "round:end", { gameId: quiet }],
        [raw(silentPlayer), "bingo:auto", { gameId: quiet, enabled: false }],
        [raw(silentPlayer), "bingo:call", { gameId: quiet, cardId: 1, requestId: "no-ack-call" }],
        [raw(silentPlayer), "round:start", { gameId: quietLobby }],
        [raw(silentHost), "bingo:call", { gameId: quiet, cardId: 0, requestId: "" }],
      ] as const) {
        socket.emit(event, payload);
      }
      raw(silentPlayer).emit("cards:claim");

      // Socket.IO handles a socket's events in order: these acks come after the events above.
      expectRefusal(await request(raw(silentHost), "claims:close", { gameId: UNKNOWN_GAME }), "NOT_FOUND");
      // The same queue as the no-ack claim: had it been taken, it would have come first.
      const acked = expectGranted(await silentPlayer.claim(quiet, 1, "acked-1"), [1], { total: 10, remaining: 9, version: 2 });

      expect(hostSeen).toEqual([]);
      expect(playerSeen).toEqual([]);
      expect(app.io.of("/").adapter.rooms.get(roomOf(quiet))?.has(raw(silentPlayer).id!) ?? false).toBe(false);
      expect(await snapshot(host, quiet)).toMatchObject({ phase: "claiming", slots: { total: 10, remaining: 9, version: 2 }, round: NOT_STARTED });
      expect(await snapshot(host, quietLobby)).toMatchObject({ phase: "lobby", slots: { total: 0, remaining: 0, version: 0 }, round: NOT_STARTED });
      expect(await snapshot(silentPlayer, quiet)).toMatchObject({ myCards: acked, autoClaim: true, seed: null });
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
