import type { ClientEvent } from "../../shared/protocol";
import { CLIENT_EVENTS, MAX_CARDS_PER_CLAIM, MAX_PER_PLAYER, MAX_TOTAL_SLOTS, parsePayload } from "../../shared/protocol";

type Cases = { readonly valid: [string, unknown][]; readonly invalid: [string, unknown][] };

const GAME = "ABCD2345";
const claim = (fields: Record<string, unknown>) => ({ gameId: GAME, count: 1, requestId: "req-1", ...fields });
const open = (fields: Record<string, unknown>) => ({ gameId: GAME, totalSlots: 100, maxPerPlayer: 4, ...fields });

/** Payloads that are no object at all: refused by every event. */
const NOT_OBJECTS: [string, unknown][] = [
  ["null", null],
  ["undefined", undefined],
  ["an array", [GAME]],
  ["an empty array", []],
  ["a string", GAME],
  ["a number", 7],
  ["a boolean", true],
  // Socket.IO delivers binary attachments as Buffers: an object, but no JSON object.
  ["binary data (a Buffer)", Buffer.from(`{"gameId":"${GAME}"}`)],
];

/** gameId values that break GAME_ID_PATTERN, for every event that takes a gameId. */
const BAD_GAME_IDS: [string, unknown][] = [
  ["with {", "ab{c"],
  ["with }", "abc}"],
  ["a Redis hash tag", "{ABCD}"],
  ["with a space", "AB CD"],
  ["with a newline", "ABCD\n"],
  ["with a colon", "game:1"],
  ["with a slash", "a/b"],
  ["with a dot", "a.b"],
  ["with a non-ASCII letter", "jeú"],
  ["65 characters", "a".repeat(65)],
  ["empty", ""],
  ["a number", 12345678],
  ["null", null],
  ["an object", { id: GAME }],
  ["missing", undefined],
];

const gameIdCases = (make: (gameId: unknown) => unknown): [string, unknown][] =>
  BAD_GAME_IDS.map(([label, gameId]) => [`gameId ${label}`, make(gameId)]);

const gameRefCases: Cases = {
  valid: [
    ["a server-made id", { gameId: GAME }],
    ["1 character", { gameId: "a" }],
    ["64 characters", { gameId: "a".repeat(64) }],
    ["every allowed character", { gameId: "azAZ09_-" }],
    ["an extra field (stripped)", { gameId: GAME, extra: true }],
  ],
  invalid: [...gameIdCases((gameId) => ({ gameId })), ["an empty object", {}], ...NOT_OBJECTS],
};

const CASES: { readonly [E in ClientEvent]: Cases } = {
  "game:create": {
    valid: [
      ["an empty object", {}],
      ["variant 75", { variant: 75 }],
      ["variant 90", { variant: 90 }],
      ["a title", { title: "Friday night" }],
      ["a 120-character title", { title: "t".repeat(120) }],
      ["a title and variant", { title: "Show", variant: 90 }],
      ["75-ball patterns with four corners", { patterns: ["four-corners", "line", "full-house"] }],
      ["prizes for the default 75-ball patterns", { prizes: [1000, 5000] }],
      ["90-ball with its patterns and prizes", { variant: 90, patterns: ["one-line", "two-lines", "full-house"], prizes: [0, 1, 2] }],
    ],
    invalid: [
      ["variant 80", { variant: 80 }],
      ["variant 0", { variant: 0 }],
      ["variant '75' as a string", { variant: "75" }],
      ["variant 75.5", { variant: 75.5 }],
      ["variant null", { variant: null }],
      ["a 121-character title", { title: "t".repeat(121) }],
      ["a 10 KB title", { title: "t".repeat(10 * 1024) }],
      ["an empty title", { title: "" }],
      ["a blank title", { title: "   " }],
      ["a numeric title", { title: 42 }],
      ["a null title", { title: null }],
      ["a 90-ball pattern on a 75-ball game", { patterns: ["two-lines"] }],
      ["a 75-ball pattern on a 90-ball game", { variant: 90, patterns: ["line"] }],
      ["90-ball patterns out of order", { variant: 90, patterns: ["two-lines", "one-line", "full-house"] }],
      ["a repeated pattern", { patterns: ["line", "line"] }],
      ["an unknown pattern", { patterns: ["blackout"] }],
      ["no patterns", { patterns: [] }],
      ["fewer prizes than patterns", { prizes: [100] }],
      ["a negative prize", { prizes: [-1, 5] }],
      ["a fractional prize", { prizes: [1.5, 5] }],
      ...NOT_OBJECTS,
    ],
  },
  "claims:open": {
    valid: [
      ["typical numbers", open({})],
      ["the smallest numbers", open({ totalSlots: 1, maxPerPlayer: 1 })],
      ["the largest numbers", open({ totalSlots: MAX_TOTAL_SLOTS, maxPerPlayer: MAX_PER_PLAYER })],
    ],
    invalid: [
      ["totalSlots 0", open({ totalSlots: 0 })],
      ["totalSlots -1", open({ totalSlots: -1 })],
      ["totalSlots 2.5", open({ totalSlots: 2.5 })],
      ["totalSlots above the maximum", open({ totalSlots: MAX_TOTAL_SLOTS + 1 })],
      ["totalSlots Infinity", open({ totalSlots: Infinity })],
      ["totalSlots NaN", open({ totalSlots: NaN })],
      ["totalSlots '100'", open({ totalSlots: "100" })],
      ["totalSlots missing", open({ totalSlots: undefined })],
      ["maxPerPlayer 0", open({ maxPerPlayer: 0 })],
      ["maxPerPlayer 101", open({ maxPerPlayer: MAX_PER_PLAYER + 1 })],
      ["maxPerPlayer 1.5", open({ maxPerPlayer: 1.5 })],
      ["maxPerPlayer -3", open({ maxPerPlayer: -3 })],
      ["maxPerPlayer '4'", open({ maxPerPlayer: "4" })],
      ["maxPerPlayer missing", open({ maxPerPlayer: undefined })],
      ...gameIdCases((gameId) => open({ gameId })),
      ...NOT_OBJECTS,
    ],
  },
  "claims:close": gameRefCases,
  "game:join": gameRefCases,
  "game:peek": gameRefCases,
  "cards:claim": {
    valid: [
      ["count 1", claim({ count: 1 })],
      ["count 100", claim({ count: MAX_CARDS_PER_CLAIM })],
      ["a 64-character requestId", claim({ requestId: "r".repeat(64) })],
      ["a uuid requestId", claim({ requestId: "0b7c1c9e-2f9a-4c55-9a51-7a1f5b1e3d42" })],
    ],
    invalid: [
      ["count 0", claim({ count: 0 })],
      ["count -1", claim({ count: -1 })],
      ["count 1.5", claim({ count: 1.5 })],
      ["count 101", claim({ count: MAX_CARDS_PER_CLAIM + 1 })],
      ["count 1e9", claim({ count: 1e9 })],
      ["count '2'", claim({ count: "2" })],
      ["count NaN", claim({ count: NaN })],
      ["count Infinity", claim({ count: Infinity })],
      ["count -Infinity", claim({ count: -Infinity })],
      ["count null", claim({ count: null })],
      ["count true", claim({ count: true })],
      ["count missing", claim({ count: undefined })],
      ["requestId empty", claim({ requestId: "" })],
      ["requestId 65 characters", claim({ requestId: "r".repeat(65) })],
      ["requestId a number", claim({ requestId: 7 })],
      ["requestId null", claim({ requestId: null })],
      ["requestId an object", claim({ requestId: { id: "x" } })],
      ["requestId missing", claim({ requestId: undefined })],
      ...gameIdCases((gameId) => claim({ gameId })),
      ...NOT_OBJECTS,
    ],
  },
  "round:start": gameRefCases,
  "round:pause": gameRefCases,
  "round:resume": gameRefCases,
  "round:end": gameRefCases,
  "game:next": gameRefCases,
  "round:draw": {
    valid: [
      ["no index", { gameId: GAME }],
      ["index 0", { gameId: GAME, index: 0 }],
      ["index 89", { gameId: GAME, index: 89 }],
    ],
    invalid: [
      ["index -1", { gameId: GAME, index: -1 }],
      ["index 90", { gameId: GAME, index: 90 }],
      ["index 1.5", { gameId: GAME, index: 1.5 }],
      ["index '3'", { gameId: GAME, index: "3" }],
      ...gameIdCases((gameId) => ({ gameId })),
      ...NOT_OBJECTS,
    ],
  },
  "round:auto": {
    valid: [
      ["an interval", { gameId: GAME, intervalMs: 3000 }],
      ["null (stop)", { gameId: GAME, intervalMs: null }],
    ],
    invalid: [
      ["no interval", { gameId: GAME }],
      ["too short", { gameId: GAME, intervalMs: 10 }],
      ["too long", { gameId: GAME, intervalMs: 3_600_000 }],
      ["fractional", { gameId: GAME, intervalMs: 1000.5 }],
      ["a string", { gameId: GAME, intervalMs: "1000" }],
      ...gameIdCases((gameId) => ({ gameId, intervalMs: 1000 })),
      ...NOT_OBJECTS,
    ],
  },
  "bingo:call": {
    valid: [["a card", { gameId: GAME, cardId: 1, requestId: "call-1" }]],
    invalid: [
      ["cardId 0", { gameId: GAME, cardId: 0, requestId: "r" }],
      ["cardId 1.5", { gameId: GAME, cardId: 1.5, requestId: "r" }],
      ["cardId '1'", { gameId: GAME, cardId: "1", requestId: "r" }],
      ["no requestId", { gameId: GAME, cardId: 1 }],
      ["requestId 65 characters", { gameId: GAME, cardId: 1, requestId: "r".repeat(65) }],
      ...gameIdCases((gameId) => ({ gameId, cardId: 1, requestId: "r" })),
      ...NOT_OBJECTS,
    ],
  },
  "push:register": {
    valid: [
      ["an android token", { token: "fcm-token-1", platform: "android" }],
      ["an ios token", { token: "t".repeat(4096), platform: "ios" }],
      ["a web token", { token: "w", platform: "web" }],
    ],
    invalid: [
      ["an empty token", { token: "", platform: "android" }],
      ["a token over 4096 characters", { token: "t".repeat(4097), platform: "android" }],
      ["an unknown platform", { token: "t", platform: "windows" }],
      ["no platform", { token: "t" }],
      ["a numeric token", { token: 7, platform: "ios" }],
      ...NOT_OBJECTS,
    ],
  },
  "push:unregister": {
    valid: [["a token", { token: "fcm-token-1" }]],
    invalid: [["no token", {}], ["an empty token", { token: "" }], ["a token over 4096 characters", { token: "t".repeat(4097) }], ...NOT_OBJECTS],
  },
  "player:name": {
    valid: [
      ["a plain name", { gameId: GAME, name: "Ana" }],
      ["letters of any script", { gameId: GAME, name: "Zoë Łódź 山田" }],
      ["24 characters", { gameId: GAME, name: "n".repeat(24) }],
      ["24 emoji (code points, not UTF-16 units)", { gameId: GAME, name: "😀".repeat(24) }],
      ["surrounding spaces (trimmed)", { gameId: GAME, name: "  Bo  " }],
      ["a formula-like name (the CSV export quotes it)", { gameId: GAME, name: "=1+1" }],
    ],
    invalid: [
      ["an empty name", { gameId: GAME, name: "" }],
      ["only spaces", { gameId: GAME, name: "   " }],
      ["25 characters", { gameId: GAME, name: "n".repeat(25) }],
      ["a newline", { gameId: GAME, name: "Ana\nBo" }],
      ["a NUL", { gameId: GAME, name: "Ana\u0000" }],
      ["a right-to-left override", { gameId: GAME, name: "Ana\u202Egnp.exe" }],
      ["a zero-width space", { gameId: GAME, name: "A\u200Bna" }],
      ["a run of spaces", { gameId: GAME, name: "Ana   Bo" }],
      ["a number", { gameId: GAME, name: 7 }],
      ["no name", { gameId: GAME }],
      ["a huge string", { gameId: GAME, name: "n".repeat(10_000) }],
      ...gameIdCases((gameId) => ({ gameId, name: "Ana" })),
      ...NOT_OBJECTS,
    ],
  },
  "players:list": {
    valid: [
      ["the first page", { gameId: GAME }],
      ["a cursor and a limit", { gameId: GAME, cursor: 100, limit: 100 }],
    ],
    invalid: [
      ["a limit of 0", { gameId: GAME, limit: 0 }],
      ["a limit over 100", { gameId: GAME, limit: 101 }],
      ["a negative cursor", { gameId: GAME, cursor: -1 }],
      ["a fractional cursor", { gameId: GAME, cursor: 1.5 }],
      ["a string cursor", { gameId: GAME, cursor: "10" }],
      ...gameIdCases((gameId) => ({ gameId })),
      ...NOT_OBJECTS,
    ],
  },
  "app:state": {
    valid: [
      ["background", { state: "background" }],
      ["foreground", { state: "foreground" }],
    ],
    invalid: [["sleeping", { state: "sleeping" }], ["no state", {}], ["a boolean", { state: true }], ...NOT_OBJECTS],
  },
  "bingo:auto": {
    valid: [
      ["on", { gameId: GAME, enabled: true }],
      ["off", { gameId: GAME, enabled: false }],
    ],
    invalid: [
      ["no flag", { gameId: GAME }],
      ["a string flag", { gameId: GAME, enabled: "true" }],
      ["a number flag", { gameId: GAME, enabled: 1 }],
      ...gameIdCases((gameId) => ({ gameId, enabled: true })),
      ...NOT_OBJECTS,
    ],
  },
  "push:prefs": {
    valid: [
      ["nothing (reads the stored preferences)", {}],
      ["muted kinds", { muted: ["claims", "finished"] }],
      ["nothing muted", { muted: [] }],
      ["quiet hours across midnight", { quietHours: { start: "22:30", end: "07:00", timeZone: "Europe/Paris" } }],
      ["quiet hours in UTC", { quietHours: { start: "00:00", end: "23:59", timeZone: "UTC" } }],
      ["no quiet hours", { quietHours: null }],
      ["both", { muted: ["won"], quietHours: { start: "13:00", end: "14:00", timeZone: "America/Argentina/Buenos_Aires" } }],
    ],
    invalid: [
      ["an unknown kind", { muted: ["claims", "spam"] }],
      ["muted not a list", { muted: "claims" }],
      ["an unknown field", { mute: ["claims"] }],
      ["24:00", { quietHours: { start: "24:00", end: "07:00", timeZone: "UTC" } }],
      ["a time without minutes", { quietHours: { start: "22", end: "07:00", timeZone: "UTC" } }],
      ["a one-digit hour", { quietHours: { start: "7:00", end: "08:00", timeZone: "UTC" } }],
      ["minutes of day instead of HH:MM", { quietHours: { start: 1320, end: 420, timeZone: "UTC" } }],
      ["an empty window", { quietHours: { start: "07:00", end: "07:00", timeZone: "UTC" } }],
      ["an unknown time zone", { quietHours: { start: "22:00", end: "07:00", timeZone: "Mars/Olympus_Mons" } }],
      ["a UTC offset as the zone", { quietHours: { start: "22:00", end: "07:00", timeZone: "+02:00" } }],
      ["no time zone", { quietHours: { start: "22:00", end: "07:00" } }],
      ["an extra quiet hours field", { quietHours: { start: "22:00", end: "07:00", timeZone: "UTC", days: [1] } }],
      ["a huge zone name", { quietHours: { start: "22:00", end: "07:00", timeZone: "A".repeat(10_000) } }],
      ...NOT_OBJECTS,
    ],
  },
};

const EVENTS = Object.keys(CLIENT_EVENTS) as ClientEvent[];

test("every client event has test cases, and no cases exist for unknown events", () => {
  expect(Object.keys(CASES).sort()).toEqual([...EVENTS].sort());
});

test("CLIENT_EVENTS: only hosts run a game, only players claim, both join", () => {
  expect(CLIENT_EVENTS["game:create"].roles).toEqual(["host"]);
  expect(CLIENT_EVENTS["claims:open"].roles).toEqual(["host"]);
  expect(CLIENT_EVENTS["claims:close"].roles).toEqual(["host"]);
  expect([...CLIENT_EVENTS["game:join"].roles].sort()).toEqual(["host", "player"]);
  expect(CLIENT_EVENTS["cards:claim"].roles).toEqual(["player"]);
});

describe.each(EVENTS)("%s schema", (event) => {
  const { schema } = CLIENT_EVENTS[event];
  const { valid, invalid } = CASES[event];

  test.each(valid)("accepts %s", (_label, payload) => {
    expect(schema.safeParse(payload).success).toBe(true);
    expect(parsePayload(event, payload).ok).toBe(true);
  });

  test.each(invalid)("refuses %s", (_label, payload) => {
    expect(parsePayload(event, payload)).toEqual({ ok: false, error: { code: "BAD_REQUEST", message: expect.stringContaining(event) } });
  });
});

test("parsing strips unknown fields and trims the title", () => {
  // As Socket.IO's parser would produce it: `__proto__` as an own key.
  const polluted = JSON.parse(`{"gameId":"${GAME}","__proto__":{"admin":true},"extra":1}`) as unknown;
  const parsed = CLIENT_EVENTS["game:join"].schema.parse(polluted);
  expect(parsed).toEqual({ gameId: GAME });
  expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  expect((parsed as Record<string, unknown>).admin).toBeUndefined();
  expect(CLIENT_EVENTS["cards:claim"].schema.parse(claim({ hostId: "h" }))).toEqual({ gameId: GAME, count: 1, requestId: "req-1" });
  expect(CLIENT_EVENTS["game:create"].schema.parse({ title: "  Show  " })).toEqual({ title: "Show" });
});
