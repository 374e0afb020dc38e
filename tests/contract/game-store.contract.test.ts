import type { ClaimBatchArgs } from "../../server/domain/claim-batch";
import { ClaimStatus } from "../../server/domain/claim-batch";
import type { GameStore } from "../../server/ports/game-store";
import { MemoryGameStore } from "../../server/store/memory/memory-game-store";
import { contractStores } from "../support/contract-stores";
import { header, outcomes } from "../support/outcomes";
import { claimBatch, gameFixture } from "../support/games";

const stores = contractStores();

let gameCounter = 0;
const HOST = "host-1";

async function newGame(store: GameStore): Promise<string> {
  const id = `g${Date.now().toString(36)}${++gameCounter}`;
  const created = await store.createGame(gameFixture(id, HOST));
  expect(created).toEqual({ ok: true, value: undefined });
  return id;
}

async function openGame(store: GameStore, total: number, max: number): Promise<string> {
  const id = await newGame(store);
  const opened = await store.openClaims(id, HOST, total, max);
  expect(opened).toEqual({ ok: true, value: { total, remaining: total, version: 1 } });
  return id;
}

async function resolve(store: GameStore, gameId: string, batch: ClaimBatchArgs) {
  const result = await claimBatch(store, gameId, batch);
  if (!result.ok) throw new Error(`unexpected ${result.error.code}`);
  return result.value;
}

describe.each(stores.all)("GameStore contract: %s", (_name, makeStore) => {
  let store: GameStore;
  beforeAll(async () => {
    store = await makeStore();
  });
  afterAll(async () => {
    await store.close();
  });

  test("a new game is in the lobby with no slots, no cards and no round yet", async () => {
    const id = await newGame(store);
    const fixture = gameFixture(id, HOST);
    const view = await store.view(id, "p1");
    expect(view).toEqual({
      ok: true,
      value: {
        id,
        hostId: HOST,
        title: "Contract",
        variant: 75,
        phase: "lobby",
        seed: fixture.seed,
        commitment: fixture.commitment,
        patterns: fixture.patterns,
        prizes: fixture.prizes,
        maxPerPlayer: 0,
        slots: { total: 0, remaining: 0, version: 0 },
        drawn: 0,
        pattern: 0,
        paused: false,
        autoIntervalMs: null,
        awards: [],
        roundVersion: 0,
        cardIds: [],
        autoClaim: null,
        graceMs: fixture.graceMs,
        recordIds: "sub",
        currency: "EUR",
        next: null,
      },
    });
  });

  test("the grace and the record-id setting are kept as created", async () => {
    const id = `g${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    expect(await store.createGame(gameFixture(id, HOST, { graceMs: 1234, recordIds: "salted-hash" }))).toEqual({ ok: true, value: undefined });
    const view = await store.view(id, "");
    expect(view.ok && [view.value.graceMs, view.value.recordIds]).toEqual([1234, "salted-hash"]);
  });

  test("a finished game is linked to its next game once, by its host only", async () => {
    const id = await newGame(store);
    expect(await store.linkNextGame(id, HOST, "NEXT0001")).toEqual({ ok: false, error: expect.objectContaining({ code: "WRONG_PHASE", reason: "lobby" }) });
    expect(await store.linkNextGame("nosuch", HOST, "NEXT0001")).toEqual({ ok: false, error: expect.objectContaining({ code: "NOT_FOUND" }) });
    expect((await store.finishGame(id, HOST)).ok).toBe(true);
    expect(await store.linkNextGame(id, "intruder", "NEXT0001")).toEqual({ ok: false, error: expect.objectContaining({ code: "FORBIDDEN" }) });
    expect(await store.linkNextGame(id, HOST, "NEXT0001")).toEqual({ ok: true, value: "NEXT0001" });
    // A second link (another console's game) loses: the first stands.
    expect(await store.linkNextGame(id, HOST, "NEXT0002")).toEqual({ ok: true, value: "NEXT0001" });
    const view = await store.view(id, "anyone");
    expect(view.ok && [view.value.phase, view.value.next]).toEqual(["finished", "NEXT0001"]);
  });

  test("the currency is kept as created", async () => {
    const id = `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    expect(await store.createGame(gameFixture(id, HOST, { currency: "JPY", prizes: [500, 2000] }))).toEqual({ ok: true, value: undefined });
    const view = await store.view(id, "someone");
    expect(view.ok && [view.value.currency, view.value.prizes, view.value.cardIds]).toEqual(["JPY", [500, 2000], []]);
  });

  test("viewMany reads the game once and each player's part, as view() answers each, in the order asked", async () => {
    const id = await openGame(store, 20, 10);
    await resolve(store, id, ["p1", "a", 3, "p2", "b", 2, "p1", "c", 1]);
    expect(await store.setAutoClaim(id, "p2", false)).toEqual({ ok: true, value: undefined });
    expect(await store.setAutoClaim(id, "p1", true)).toEqual({ ok: true, value: undefined });
    // A player named twice (two sockets, or one socket joining twice), one without cards, the host.
    const asked = ["p1", "p2", "nobody", "p1", HOST];
    const views = await store.viewMany(id, asked);
    if (!views.ok) throw new Error(views.error.code);
    expect(views.value.players).toHaveLength(asked.length);
    for (let i = 0; i < asked.length; i++) {
      expect({ ok: true, value: { ...views.value.game, ...views.value.players[i] } }).toEqual(await store.view(id, asked[i]));
    }
    expect(views.value.players.map((part) => [part.cardIds.length, part.autoClaim])).toEqual([[4, true], [2, false], [0, null], [4, true], [0, null]]);
    expect(await store.viewMany(id, [])).toEqual({ ok: true, value: { game: views.value.game, players: [] } });
  });

  test("a taken game id is refused", async () => {
    const id = await newGame(store);
    const again = await store.createGame(gameFixture(id, "other", { title: "x", variant: 90 }));
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error).toMatchObject({ code: "BAD_REQUEST", reason: "game-id-taken" });
    const view = await store.view(id, "p1");
    expect(view.ok && view.value.title).toBe("Contract");
  });

  test("an unknown game is NOT_FOUND everywhere", async () => {
    const missing = "no-such-game";
    for (const result of [
      await store.view(missing, "p"),
      await store.viewMany(missing, ["p", "q"]),
      await store.openClaims(missing, HOST, 10, 1),
      await store.closeClaims(missing, HOST),
      await claimBatch(store, missing, ["p", "r", 1]),
    ]) {
      expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: "NOT_FOUND" }) });
    }
  });

  test("only the game's host opens and closes it; opening twice is WRONG_PHASE", async () => {
    const id = await newGame(store);
    expect(await store.openClaims(id, "intruder", 10, 2)).toEqual({ ok: false, error: expect.objectContaining({ code: "FORBIDDEN" }) });
    expect(await store.closeClaims(id, "intruder")).toEqual({ ok: false, error: expect.objectContaining({ code: "FORBIDDEN" }) });
    expect(await store.openClaims(id, HOST, 10, 2)).toEqual({ ok: true, value: { total: 10, remaining: 10, version: 1 } });
    expect(await store.openClaims(id, HOST, 10, 2)).toEqual({ ok: false, error: expect.objectContaining({ code: "WRONG_PHASE", reason: "claiming" }) });
    const view = await store.view(id, "p");
    expect(view.ok && [view.value.phase, view.value.maxPerPlayer]).toEqual(["claiming", 2]);
  });

  test("claims before the window opens are CLAIMS_CLOSED and change nothing", async () => {
    const id = await newGame(store);
    const reply = await resolve(store, id, ["p1", "r1", 2, "p2", "r2", 1]);
    expect(header(reply)).toEqual({ total: 0, remaining: 0, version: 0 });
    expect(outcomes(reply).map((o) => o.status)).toEqual([ClaimStatus.CLAIMS_CLOSED, ClaimStatus.CLAIMS_CLOSED]);
  });

  test("a batch grants in order with partial grants, then SOLD_OUT and LIMIT_REACHED; one version step per batch", async () => {
    const id = await openGame(store, 5, 3);
    const reply = await resolve(store, id, ["a", "1", 2, "b", "1", 5, "a", "2", 3, "c", "1", 1]);
    expect(header(reply)).toEqual({ total: 5, remaining: 0, version: 2 });
    const after = { total: 5, remaining: 0, version: 2 };
    expect(outcomes(reply)).toEqual([
      { status: ClaimStatus.GRANTED, first: 1, granted: 2, slots: after }, // a: 2
      { status: ClaimStatus.GRANTED, first: 3, granted: 3, slots: after }, // b: min(5, remaining 3, max 3)
      { status: ClaimStatus.SOLD_OUT, first: 0, granted: 0, slots: after },
      { status: ClaimStatus.SOLD_OUT, first: 0, granted: 0, slots: after },
    ]);
    const a = await store.view(id, "a");
    expect(a.ok && a.value.cardIds).toEqual([1, 2]);
    const b = await store.view(id, "b");
    expect(b.ok && b.value.cardIds).toEqual([3, 4, 5]);
  });

  test("a player at maxPerPlayer gets LIMIT_REACHED, and a partial grant up to the limit", async () => {
    const id = await openGame(store, 100, 3);
    const first = await resolve(store, id, ["p", "1", 2]);
    expect(outcomes(first)[0]).toMatchObject({ status: ClaimStatus.GRANTED, granted: 2 });
    const second = await resolve(store, id, ["p", "2", 5, "p", "3", 1]);
    expect(outcomes(second).map((o) => [o.status, o.granted])).toEqual([
      [ClaimStatus.GRANTED, 1],
      [ClaimStatus.LIMIT_REACHED, 0],
    ]);
    expect(header(second)).toEqual({ total: 100, remaining: 97, version: 3 });
  });

  test("a batch that changes nothing keeps the version", async () => {
    const id = await openGame(store, 1, 1);
    await resolve(store, id, ["p", "1", 1]);
    const reply = await resolve(store, id, ["q", "1", 1]);
    expect(header(reply)).toEqual({ total: 1, remaining: 0, version: 2 });
    expect(outcomes(reply)[0].status).toBe(ClaimStatus.SOLD_OUT);
  });

  test("a repeated (player, requestId) gets its first answer, in the same batch and later, and allocates once", async () => {
    const id = await openGame(store, 10, 5);
    const first = await resolve(store, id, ["p", "req", 2, "p", "req", 2, "q", "req", 1]);
    const [original, repeat, other] = outcomes(first);
    expect(repeat).toEqual(original);
    expect(original).toMatchObject({ status: ClaimStatus.GRANTED, first: 1, granted: 2 });
    expect(other).toMatchObject({ status: ClaimStatus.GRANTED, first: 3, granted: 1 });

    await resolve(store, id, ["r", "x", 4]);
    const later = await resolve(store, id, ["p", "req", 2]);
    expect(outcomes(later)[0]).toEqual(original);
    expect(header(later)).toEqual({ total: 10, remaining: 3, version: 3 });
    const view = await store.view(id, "p");
    expect(view.ok && view.value.cardIds).toEqual([1, 2]);
  });

  test("a refused request is not stored: repeated, it is refused again, or granted once the window opened", async () => {
    const id = await newGame(store);
    const closed = outcomes(await resolve(store, id, ["p", "early", 1]))[0];
    expect(closed.status).toBe(ClaimStatus.CLAIMS_CLOSED);
    expect(outcomes(await resolve(store, id, ["p", "early", 1]))[0]).toEqual(closed);
    await store.openClaims(id, HOST, 10, 1);
    const granted = outcomes(await resolve(store, id, ["p", "early", 1]))[0];
    expect(granted).toMatchObject({ status: ClaimStatus.GRANTED, granted: 1 });
    // Now granted, it is stored: the same answer for ever, whatever the window does.
    await store.closeClaims(id, HOST);
    expect(outcomes(await resolve(store, id, ["p", "early", 1]))[0]).toEqual(granted);
    expect(outcomes(await resolve(store, id, ["p", "fresh", 1]))[0].status).toBe(ClaimStatus.CLAIMS_CLOSED);
  });

  test("a host with maxGamesPerHost unfinished games is refused TOO_MANY_GAMES; a finished game frees its place", async () => {
    const host = `limited-${Date.now().toString(36)}-${++gameCounter}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = `h${Date.now().toString(36)}${++gameCounter}`;
      expect(await store.createGame(gameFixture(id, host), 3)).toEqual({ ok: true, value: undefined });
      ids.push(id);
    }
    const extra = `h${Date.now().toString(36)}${++gameCounter}`;
    expect(await store.createGame(gameFixture(extra, host), 3)).toEqual({ ok: false, error: expect.objectContaining({ code: "TOO_MANY_GAMES" }) });
    expect(await store.view(extra, host)).toEqual({ ok: false, error: expect.objectContaining({ code: "NOT_FOUND" }) });
    // Other hosts are not affected.
    expect((await store.createGame(gameFixture(`o${extra}`, `other-${host}`), 3)).ok).toBe(true);
    // A game in any phase but finished counts; a finished one does not.
    await store.openClaims(ids[0], host, 10, 1);
    await store.startRound(ids[1], host);
    expect((await store.createGame(gameFixture(extra, host), 3)).ok).toBe(false);
    expect((await store.finishGame(ids[2], host)).ok).toBe(true);
    expect(await store.createGame(gameFixture(extra, host), 3)).toEqual({ ok: true, value: undefined });
    expect((await store.createGame(gameFixture(`${extra}x`, host), 3)).ok).toBe(false);
  });

  test("close stops claims and steps the version once; reopening keeps what was granted", async () => {
    const id = await openGame(store, 10, 5);
    await resolve(store, id, ["p", "1", 4]);
    expect(await store.closeClaims(id, HOST)).toEqual({ ok: true, value: { total: 10, remaining: 6, version: 3 } });
    expect(await store.closeClaims(id, HOST)).toEqual({ ok: true, value: { total: 10, remaining: 6, version: 3 } });
    expect(outcomes(await resolve(store, id, ["q", "1", 1]))[0].status).toBe(ClaimStatus.CLAIMS_CLOSED);
    expect(await store.openClaims(id, HOST, 3, 5)).toEqual({ ok: false, error: expect.objectContaining({ code: "BAD_REQUEST" }) });
    expect(await store.openClaims(id, HOST, 8, 5)).toEqual({ ok: true, value: { total: 8, remaining: 4, version: 4 } });
    const next = outcomes(await resolve(store, id, ["q", "2", 2]))[0];
    expect(next).toMatchObject({ status: ClaimStatus.GRANTED, first: 5, granted: 2 });
  });

  test("demand above supply grants exactly totalSlots, each card once, nobody over the limit", async () => {
    const total = 250;
    const max = 4;
    const id = await openGame(store, total, max);
    const owner = new Map<number, string>();
    const held = new Map<string, number>();
    for (let round = 0; round < 5; round++) {
      const batch: ClaimBatchArgs = [];
      for (let p = 0; p < 120; p++) batch.push(`p${p}`, `r${round}`, 1 + ((p * 7 + round) % 5));
      for (const o of outcomes(await resolve(store, id, batch))) {
        if (o.status !== ClaimStatus.GRANTED) continue;
        for (let card = o.first; card < o.first + o.granted; card++) {
          expect(owner.has(card)).toBe(false);
          owner.set(card, "x");
        }
      }
    }
    expect(owner.size).toBe(total);
    for (let p = 0; p < 120; p++) {
      const view = await store.view(id, `p${p}`);
      if (!view.ok) throw new Error("view failed");
      held.set(`p${p}`, view.value.cardIds.length);
      expect(view.value.cardIds.length).toBeLessThanOrEqual(max);
    }
    expect([...held.values()].reduce((a, b) => a + b, 0)).toBe(total);
    expect([...owner.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });
});

test("the memory and Redis stores answer every random batch identically", async () => {
  const memory = new MemoryGameStore();
  const onRedis = await stores.redis();
  try {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let game = 0; game < 5; game++) {
      const id = `diff${Date.now().toString(36)}${game}`;
      for (const store of [memory, onRedis]) {
        await store.createGame(gameFixture(id, HOST, { title: "diff", variant: 90 }));
      }
      const total = 20 + random(60);
      const max = 1 + random(5);
      for (const store of [memory, onRedis]) expect((await store.openClaims(id, HOST, total, max)).ok).toBe(true);
      for (let step = 0; step < 12; step++) {
        if (random(10) === 0) {
          const [a, b] = [await memory.closeClaims(id, HOST), await onRedis.closeClaims(id, HOST)];
          expect(b).toEqual(a);
          const [c, d] = [await memory.openClaims(id, HOST, total, max), await onRedis.openClaims(id, HOST, total, max)];
          expect(d).toEqual(c);
          continue;
        }
        const batch: ClaimBatchArgs = [];
        const size = 1 + random(30);
        for (let i = 0; i < size; i++) batch.push(`p${random(15)}`, `r${random(8)}`, 1 + random(6));
        expect(await claimBatch(onRedis, id, batch)).toEqual(await claimBatch(memory, id, batch));
      }
      for (let p = 0; p < 15; p++) expect(await onRedis.view(id, `p${p}`)).toEqual(await memory.view(id, `p${p}`));
    }
  } finally {
    await memory.close();
    await onRedis.close();
  }
});

test("batches larger than one Redis command's field chunk (1,000) are answered like the memory store", async () => {
  const memory = new MemoryGameStore();
  const onRedis = await stores.redis();
  try {
    const id = `big${Date.now().toString(36)}`;
    for (const store of [memory, onRedis]) {
      await store.createGame(gameFixture(id, HOST));
      expect((await store.openClaims(id, HOST, 3_000, 3)).ok).toBe(true);
    }
    // 1,500 players, each claiming in two of the three batches: more than 1,000 distinct
    // players and request keys per batch, repeats in the same batch and across batches,
    // players granted twice in one batch, then SOLD_OUT and LIMIT_REACHED.
    for (let round = 0; round < 3; round++) {
      const batch: ClaimBatchArgs = [];
      for (let p = 0; p < 1_500; p++) {
        if ((p + round) % 3 === 0) continue;
        batch.push(`p${p}`, `r${round}`, 1 + (p % 2));
        if (p % 7 === 0) batch.push(`p${p}`, `r${round}`, 1 + (p % 2));
        if (p % 11 === 0) batch.push(`p${p}`, `x${round}`, 1);
        if (round > 0 && p % 5 === 0) batch.push(`p${p}`, `r${round - 1}`, 2);
      }
      const [a, b] = [await claimBatch(memory, id, batch), await claimBatch(onRedis, id, batch)];
      expect(b).toEqual(a);
    }
    for (const p of [0, 1, 7, 11, 77, 1_499]) expect(await onRedis.view(id, `p${p}`)).toEqual(await memory.view(id, `p${p}`));
    // One read for more players than one HMGET part (1,000) holds, some without cards.
    const everyone = [...Array.from({ length: 1_500 }, (_, p) => `p${p}`), "stranger", "p7"];
    const [many, memoryMany] = [await onRedis.viewMany(id, everyone), await memory.viewMany(id, everyone)];
    expect(many).toEqual(memoryMany);
    // Parts past the first 1,000 hold cards too: the second HMGET part is read and placed.
    expect(many.ok && many.value.players.slice(1_000).filter((part) => part.cardIds.length > 0).length).toBeGreaterThan(100);
    const [owners, memoryOwners] = [await onRedis.cardOwners(id), await memory.cardOwners(id)];
    expect(owners).toEqual(memoryOwners);
  } finally {
    await memory.close();
    await onRedis.close();
  }
});
