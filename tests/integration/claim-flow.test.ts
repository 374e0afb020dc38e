import type { BingoClient } from "../../shared/client";
import type { Grid, SlotsMessage } from "../../shared/protocol";
import { nextEvent, slotsReach } from "../support/events";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

async function hostedGame(app: TestApp, total: number, max: number) {
  const host = await app.client(`host-${Math.random()}`, "host");
  const created = await host.createGame({ title: "Friday show", variant: 90 });
  if (!created.ok) throw new Error(created.error.code);
  const gameId = created.gameId;
  expect((await host.join(gameId)).ok).toBe(true);
  return { host, gameId, open: () => host.openClaims({ gameId, totalSlots: total, maxPerPlayer: max }) };
}

/** A 90-ball ticket: 3 rows of 9 columns, 5 numbers a row (0 is a blank), column c in its decade, ascending down. */
function expectTicket90(grid: Grid): void {
  expect(grid).toHaveLength(3);
  for (const row of grid) {
    expect(row).toHaveLength(9);
    expect(row.filter((n) => n !== 0)).toHaveLength(5);
  }
  for (let c = 0; c < 9; c++) {
    const column = grid.map((row) => row[c]).filter((n) => n !== 0);
    expect(column.length).toBeGreaterThanOrEqual(1);
    expect(column).toEqual([...column].sort((x, y) => x - y));
    for (const n of column) {
      expect(n).toBeGreaterThanOrEqual(c === 0 ? 1 : 10 * c);
      expect(n).toBeLessThanOrEqual(c === 8 ? 90 : 10 * c + 9);
    }
  }
}

function recordSlots(client: BingoClient): SlotsMessage[] {
  const seen: SlotsMessage[] = [];
  client.socket.on("slots", (message) => seen.push(message));
  return seen;
}

describe.each([
  ["embedded (memory)", () => undefined],
  ["redis", () => redis.url],
])("claim flow on %s", (_name, redisUrl) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ redisUrl: redisUrl() });
  });
  afterAll(async () => {
    await app.stop();
  });

  test("host creates and opens a game; players join, claim, and see one falling count", async () => {
    const { host, gameId, open } = await hostedGame(app, 6, 2);
    const alice = await app.client("alice", "player");
    const bob = await app.client("bob", "player");
    const joined = await alice.join(gameId);
    expect(joined).toMatchObject({
      ok: true,
      game: { id: gameId, title: "Friday show", variant: 90, phase: "lobby", maxPerPlayer: 0, slots: { total: 0, remaining: 0, version: 0 }, myCards: [] },
    });
    if (!joined.ok) throw new Error(joined.error.code);
    // The round fields of a game no ball has been drawn for, and nothing else.
    expect(Object.keys(joined.game).sort()).toEqual(
      ["autoClaim", "commitment", "currency", "graceMs", "id", "maxPerPlayer", "myCards", "myWins", "next", "patterns", "phase", "prizes", "round", "seed", "slots", "title", "variant"].sort(),
    );
    expect(joined.game.myWins).toEqual([]);
    expect(joined.game.commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(joined.game.seed).toBeNull();
    expect(joined.game.patterns).toEqual(["one-line", "two-lines", "full-house"]);
    expect(joined.game.prizes).toEqual([0, 0, 0]);
    expect(joined.game.round).toEqual({ draws: [], pattern: 0, paused: false, autoIntervalMs: null, awards: [], version: 0 });
    expect(joined.game.autoClaim).toBe(true);
    expect(joined.game.graceMs).toBe(app.config.claimGraceMs);
    await bob.join(gameId);
    const aliceSlots = recordSlots(alice);
    const phase = nextEvent(bob.socket, "game:phase");
    const opened = await open();
    expect(opened).toEqual({ ok: true, slots: { total: 6, remaining: 6, version: 1 } });
    expect(await phase).toEqual({ gameId, phase: "claiming", maxPerPlayer: 2 });

    const [a, b] = await Promise.all([alice.claim(gameId, 2), bob.claim(gameId, 3)]);
    expect(a.ok && a.cards.length).toBe(2);
    expect(b.ok && b.cards.length).toBe(2); // capped at maxPerPlayer
    const cards = [...(a.ok ? a.cards : []), ...(b.ok ? b.cards : [])];
    const ids = cards.map((c) => c.id);
    expect(new Set(ids).size).toBe(4);
    for (const card of cards) expectTicket90(card.grid);
    // The join snapshot shows the same cards, grids included.
    const aliceView = await alice.join(gameId);
    expect(aliceView.ok && aliceView.game.myCards).toEqual(a.ok ? a.cards : null);

    // The acks carry the count; the room's slots message follows at the end of the tick, to
    // every member whose ack did not already carry that version.
    await slotsReach(alice, gameId, (slots) => slots.remaining === 2);
    await slotsReach(bob, gameId, (slots) => slots.remaining === 2);
    expect(alice.slots(gameId)).toEqual({ total: 6, remaining: 2, version: expect.any(Number) });
    const versions = aliceSlots.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
    expect(new Set(versions).size).toBe(versions.length);
    // Never a version she already had from her ack.
    for (const version of versions) expect(version).toBeGreaterThan(a.ok ? a.slots.version : Infinity);

    expect(await alice.claim(gameId, 1)).toEqual({ ok: false, error: { code: "LIMIT_REACHED", message: expect.any(String) } });
    const closed = await host.closeClaims(gameId);
    expect(closed.ok && closed.slots.remaining).toBe(2);
    expect(await bob.claim(gameId, 1)).toEqual({ ok: false, error: { code: "CLAIMS_CLOSED", message: expect.any(String) } });
  });

  test("demand above supply sells exactly the slots, then SOLD_OUT", async () => {
    const { gameId, open } = await hostedGame(app, 10, 3);
    await open();
    const players = await Promise.all(Array.from({ length: 8 }, (_, i) => app.client(`sell-${i}`, "player")));
    const acks = await Promise.all(players.map((p) => p.claim(gameId, 3)));
    const granted = acks.reduce((sum, ack) => sum + (ack.ok ? ack.cards.length : 0), 0);
    expect(granted).toBe(10);
    expect(acks.filter((ack) => !ack.ok).every((ack) => !ack.ok && ack.error.code === "SOLD_OUT")).toBe(true);
    expect(await players[0].claim(gameId, 1)).toEqual({ ok: false, error: expect.objectContaining({ code: expect.stringMatching(/SOLD_OUT|LIMIT_REACHED/) }) });
  });

  test("the same requestId sent again returns the identical result and grants once", async () => {
    const { gameId, open } = await hostedGame(app, 10, 5);
    await open();
    const player = await app.client("repeat", "player");
    const first = await player.claim(gameId, 2, "req-1");
    const again = await player.claim(gameId, 2, "req-1");
    expect(again).toEqual(first);
    const both = await Promise.all([player.claim(gameId, 1, "req-2"), player.claim(gameId, 1, "req-2")]);
    expect(both[1]).toEqual(both[0]);
    const view = await player.join(gameId);
    expect(view.ok && view.game.myCards).toHaveLength(3);
  });

  test("a player who joins late gets the current snapshot with their cards", async () => {
    const { gameId, open } = await hostedGame(app, 5, 5);
    await open();
    const early = await app.client("early-bird", "player");
    const claimed = await early.claim(gameId, 3);
    const late = await app.client("early-bird", "player");
    const snapshot = await late.join(gameId);
    expect(snapshot.ok && snapshot.game).toMatchObject({ phase: "claiming", maxPerPlayer: 5, slots: { total: 5, remaining: 2 } });
    expect(snapshot.ok && snapshot.game.myCards).toEqual(claimed.ok ? claimed.cards : null);
  });

  test("the SDK re-joins after the connection drops and keeps receiving the count", async () => {
    const { gameId, open } = await hostedGame(app, 20, 5);
    await open();
    const player = await app.client("dropper", "player");
    await player.join(gameId);
    const resynced = new Promise((resolve) => player.onResync(resolve));
    player.socket.io.engine.close();
    expect(await resynced).toMatchObject({ id: gameId, phase: "claiming" });
    const other = await app.client("other", "player");
    const seen = nextEvent(player.socket, "slots", (m) => m.gameId === gameId && m.remaining === 16);
    await other.claim(gameId, 4);
    expect(await seen).toMatchObject({ remaining: 16 });
  });

  test("a claim whose ack is late is retried with the same requestId and granted once", async () => {
    const slow = await startTestApp({ redisUrl: redisUrl(), config: { tickMs: 300 } });
    try {
      const { gameId, open } = await hostedGame(slow, 10, 5);
      await open();
      // The tick starts tickMs (300) after the first attempt reaches an idle engine, so it lands
      // 2.5 ack timeouts later: 60 ms into the third attempt's window, never on a timeout's edge
      // (with a timeout of 100 it landed exactly on one, and the ack lost the race at random).
      const player = await slow.client("impatient", "player", { ackTimeoutMs: 120, retries: 8 });
      const sent: string[] = [];
      player.socket.onAnyOutgoing((event, payload) => {
        if (event === "cards:claim") sent.push(payload.requestId);
      });
      const ack = await player.claim(gameId, 2);
      expect(sent.length).toBeGreaterThan(1);
      expect(new Set(sent).size).toBe(1);
      expect(ack.ok && ack.cards).toHaveLength(2);
      const view = await player.join(gameId);
      expect(view.ok && view.game.myCards).toEqual(ack.ok ? ack.cards : null);
    } finally {
      await slow.stop();
    }
  });
});

test("two nodes on one Redis: a retry on the other node gets the same answer, and both nodes' players see one count", async () => {
  const [a, b] = [await startTestApp({ redisUrl: redis.url }), await startTestApp({ redisUrl: redis.url })];
  try {
    const { gameId, open } = await hostedGame(a, 10, 4);
    await open();
    const onA = await a.client("both", "player");
    const onB = await b.client("both", "player");
    const watcherB = await b.client("watcher", "player");
    await watcherB.join(gameId);
    const first = await onA.claim(gameId, 3, "shared-req");
    expect(await onB.claim(gameId, 3, "shared-req")).toEqual(first);
    expect(await onB.claim(gameId, 3)).toMatchObject({ ok: true, cards: [expect.anything()] }); // 4 - 3 = 1 left under the limit
    expect(await slotsReach(watcherB, gameId, (s) => s.remaining === 6)).toMatchObject({ total: 10, remaining: 6 });
  } finally {
    await a.stop();
    await b.stop();
  }
});
