import type { Ack, Claimed, SlotState } from "../../shared/protocol";
import { protocolError } from "../../shared/protocol";
import type { TickFanout } from "../../server/claims/claim-engine";
import { ClaimEngine, SLOTS_LATEST_WITHIN_MS } from "../../server/claims/claim-engine";
import type { ClaimBatchArgs } from "../../server/domain/claim-batch";
import { cardGrid } from "../../server/domain/cards";
import { GameCatalog } from "../../server/game/game-rules";
import type { GameStore, TickWork } from "../../server/ports/game-store";
import { MemoryGameStore } from "../../server/store/memory/memory-game-store";
import { gameFixture, TEST_SEED } from "../support/games";
import { ManualClock, settle } from "../support/manual-clock";

const card = (id: number) => ({ id, grid: cardGrid(TEST_SEED, 75, id) });

const TICK = 50;
const HOST = "host";

/** The memory store, with each tick's store call recorded and held until released. */
class HeldStore extends MemoryGameStore {
  readonly calls: { gameId: string; batch: ClaimBatchArgs }[] = [];
  private held: (() => void)[] = [];
  hold = false;
  failWith: GameStore["resolveTick"] | null = null;

  override async resolveTick(gameId: string, work: TickWork) {
    this.calls.push({ gameId, batch: [...work.claims] });
    if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve));
    if (this.failWith) return this.failWith(gameId, work);
    return super.resolveTick(gameId, work);
  }

  release(): void {
    const held = this.held;
    this.held = [];
    for (const resume of held) resume();
  }
}

class RecordingFanout implements TickFanout {
  awarded(): void {}
  called(): void {}
  readonly emitted: [string, SlotState][] = [];
  readonly shared: [string, SlotState][] = [];
  /** What each emit reports it cost in writing. */
  emitCostMs = 0;
  /** Held: an emit is done only when the test calls finishEmit (it writes over several turns). */
  holdEmits = false;
  /** The emits held, each with what its next part would send. */
  readonly writing: { latest: () => SlotState; done: (costMs: number) => void }[] = [];
  emitLocal(gameId: string, latest: () => SlotState, done: (costMs: number) => void): void {
    this.emitted.push([gameId, latest()]);
    if (this.holdEmits) this.writing.push({ latest, done });
    else done(this.emitCostMs);
  }
  finishEmit(): SlotState {
    const emit = this.writing.shift()!;
    const last = emit.latest();
    emit.done(this.emitCostMs);
    return last;
  }
  share(gameId: string, state: SlotState): void {
    this.shared.push([gameId, state]);
  }
}

async function setup(options: { maxClaimsPerTick?: number; games?: number; slotsMinIntervalMs?: number; slotsBroadcastPercent?: number } = {}) {
  const store = new HeldStore();
  const fanout = new RecordingFanout();
  const clock = new ManualClock();
  const engine = new ClaimEngine(store, new GameCatalog(store), fanout, clock, {
    tickMs: TICK,
    maxClaimsPerTick: options.maxClaimsPerTick ?? 1000,
    slotsMinIntervalMs: options.slotsMinIntervalMs,
    slotsBroadcastPercent: options.slotsBroadcastPercent,
  });
  const games: string[] = [];
  for (let g = 0; g < (options.games ?? 1); g++) {
    const id = `game${g}`;
    await store.createGame(gameFixture(id, HOST));
    await store.openClaims(id, HOST, 100, 3);
    games.push(id);
  }
  const acks: Ack<Claimed>[][] = [];
  const claim = (gameId: string, player: string, requestId: string, count: number): Ack<Claimed>[] => {
    const got: Ack<Claimed>[] = [];
    acks.push(got);
    engine.enqueue(gameId, player, requestId, count, (response) => got.push(response));
    return got;
  };
  const tick = async (): Promise<void> => {
    clock.advance(TICK);
    await settle();
  };
  return { store, fanout, clock, engine, games, claim, tick };
}

test("an idle engine arms no timer; the first claim arms exactly one", async () => {
  const { clock, claim, games } = await setup();
  expect(clock.pendingTimers).toBe(0);
  claim(games[0], "p1", "r1", 1);
  claim(games[0], "p2", "r1", 1);
  expect(clock.pendingTimers).toBe(1);
});

test("all claims of a game in one tick go to the store as one call, and are acked only after it returns", async () => {
  const { store, claim, tick, games } = await setup();
  store.hold = true;
  const a = claim(games[0], "p1", "r1", 2);
  const b = claim(games[0], "p2", "r1", 1);
  const c = claim(games[0], "p1", "r2", 1);
  await tick();
  expect(store.calls).toEqual([{ gameId: games[0], batch: ["p1", "r1", 2, "p2", "r1", 1, "p1", "r2", 1] }]);
  expect([a, b, c].map((x) => x.length)).toEqual([0, 0, 0]);
  store.release();
  await settle();
  expect(a).toEqual([{ ok: true, cards: [card(1), card(2)], slots: { total: 100, remaining: 96, version: 2 } }]);
  expect(b).toEqual([{ ok: true, cards: [card(3)], slots: { total: 100, remaining: 96, version: 2 } }]);
  expect(c).toEqual([{ ok: true, cards: [card(4)], slots: { total: 100, remaining: 96, version: 2 } }]);
});

test("each game with claims gets its own single store call per tick", async () => {
  const { store, claim, tick, games } = await setup({ games: 3 });
  for (const game of games) for (let p = 0; p < 4; p++) claim(game, `p${p}`, "r", 1);
  await tick();
  expect(store.calls.map((call) => [call.gameId, call.batch.length / 3]).sort()).toEqual(games.map((g) => [g, 4]));
});

test("ticks never overlap: claims that arrive while a batch is in flight wait for the next tick", async () => {
  const { store, clock, claim, tick, games } = await setup();
  store.hold = true;
  claim(games[0], "p1", "r1", 1);
  await tick();
  const late = claim(games[0], "p2", "r1", 1);
  clock.advance(TICK * 10);
  await settle();
  expect(store.calls).toHaveLength(1);
  expect(clock.pendingTimers).toBe(0);
  store.release();
  await settle();
  expect(late).toHaveLength(0);
  expect(clock.pendingTimers).toBe(1);
  await tick();
  store.release();
  await settle();
  expect(store.calls).toHaveLength(2);
  expect(store.calls[1].batch).toEqual(["p2", "r1", 1]);
  expect(late).toEqual([expect.objectContaining({ ok: true })]);
});

test("over maxClaimsPerTick, the rest is carried to the next ticks in order, never dropped", async () => {
  const { store, claim, tick, games } = await setup({ maxClaimsPerTick: 2 });
  const acks = [1, 2, 3, 4, 5].map((n) => claim(games[0], `p${n}`, "r", 1));
  for (let t = 0; t < 3; t++) await tick();
  expect(store.calls.map((call) => call.batch.filter((_, i) => i % 3 === 0))).toEqual([["p1", "p2"], ["p3", "p4"], ["p5"]]);
  expect(acks.map((a) => (a[0]?.ok ? a[0].cards[0].id : null))).toEqual([1, 2, 3, 4, 5]);
});

test("a tick emits each moved room once, with its newest state, and shares what it committed", async () => {
  const { fanout, claim, tick, games } = await setup();
  for (let p = 0; p < 10; p++) claim(games[0], `p${p}`, "r", 1);
  await tick();
  expect(fanout.emitted).toEqual([[games[0], { total: 100, remaining: 90, version: 2 }]]);
  expect(fanout.shared).toEqual([[games[0], { total: 100, remaining: 90, version: 2 }]]);
  await tick();
  expect(fanout.emitted).toHaveLength(1);
});

test("a room's next emit waits until its current one is done; the parts written meanwhile carry the newest state", async () => {
  const { fanout, claim, tick, games } = await setup();
  fanout.holdEmits = true;
  claim(games[0], "p1", "r1", 1);
  await tick();
  expect(fanout.emitted.map(([, state]) => state.remaining)).toEqual([99]);
  // A second batch commits while the first emit still writes: no second emit starts...
  const acked = claim(games[0], "p2", "r1", 1);
  await tick();
  expect(acked).toEqual([expect.objectContaining({ ok: true, slots: { total: 100, remaining: 98, version: 3 } })]);
  await tick();
  expect(fanout.emitted).toHaveLength(1);
  // ...and the emit's remaining parts send the newer state, never an older one than the ack did.
  expect(fanout.finishEmit()).toEqual({ total: 100, remaining: 98, version: 3 });
  // Once it is done, the newer state goes to every member.
  await tick();
  expect(fanout.emitted.map(([, state]) => state.remaining)).toEqual([99, 98]);
  fanout.finishEmit();
  await tick();
  expect(fanout.emitted).toHaveLength(2);
});

test("stop waits for an emit in progress, then sends the newest state", async () => {
  const { engine, fanout, claim, tick, games } = await setup();
  fanout.holdEmits = true;
  claim(games[0], "p1", "r1", 1);
  await tick();
  claim(games[0], "p2", "r1", 1);
  let stopped = false;
  const stopping = engine.stop().then(() => (stopped = true));
  await settle();
  expect(stopped).toBe(false);
  fanout.holdEmits = false;
  fanout.finishEmit();
  await stopping;
  expect(fanout.emitted.map(([, state]) => state.remaining)).toEqual([99, 98]);
});

test("states from other nodes are emitted once per tick, only when newer than what this node emitted", async () => {
  const { engine, fanout, claim, tick, games, clock } = await setup();
  claim(games[0], "p", "r", 1);
  await tick();
  fanout.emitted.length = 0;
  engine.receive(games[0], { total: 100, remaining: 80, version: 5 });
  engine.receive(games[0], { total: 100, remaining: 85, version: 4 });
  engine.receive(games[0], { total: 100, remaining: 70, version: 7 });
  engine.receive(games[0], { total: 100, remaining: 75, version: 6 });
  expect(clock.pendingTimers).toBe(1);
  await tick();
  expect(fanout.emitted).toEqual([[games[0], { total: 100, remaining: 70, version: 7 }]]);
  engine.receive(games[0], { total: 100, remaining: 72, version: 6 });
  await tick();
  expect(fanout.emitted).toHaveLength(1);
  expect(fanout.shared).toHaveLength(1);
  engine.receive("game-without-room-here", { total: 1, remaining: 1, version: 1 });
  await tick();
  expect(fanout.emitted).toHaveLength(1);
});

test("when the store is unavailable every claim of the batch is answered UNAVAILABLE", async () => {
  const { store, claim, tick, games, fanout } = await setup();
  store.failWith = async () => ({ ok: false, error: protocolError("UNAVAILABLE") });
  const acks = [claim(games[0], "p1", "r", 1), claim(games[0], "p2", "r", 1)];
  await tick();
  expect(acks).toEqual([
    [{ ok: false, error: { code: "UNAVAILABLE", message: expect.any(String) } }],
    [{ ok: false, error: { code: "UNAVAILABLE", message: expect.any(String) } }],
  ]);
  expect(fanout.emitted).toEqual([]);
});

test("a store that throws still gets every claim answered, INTERNAL", async () => {
  const { store, claim, tick, games } = await setup();
  store.failWith = async () => {
    throw new Error("boom");
  };
  const ack = claim(games[0], "p1", "r", 1);
  await tick();
  expect(ack).toEqual([{ ok: false, error: { code: "INTERNAL", message: expect.any(String) } }]);
});

test("claims for an unknown game are NOT_FOUND and leave no room behind", async () => {
  const { engine, claim, tick, fanout } = await setup();
  const ack = claim("nope", "p", "r", 1);
  await tick();
  expect(ack).toEqual([{ ok: false, error: expect.objectContaining({ code: "NOT_FOUND" }) }]);
  engine.receive("nope", { total: 1, remaining: 1, version: 9 });
  await tick();
  expect(fanout.emitted).toEqual([]);
});

test("stop answers the pending claims, and refuses later ones", async () => {
  const { engine, claim, games, clock } = await setup();
  const pending = claim(games[0], "p", "r", 1);
  await engine.stop();
  expect(pending).toEqual([expect.objectContaining({ ok: true })]);
  const late = claim(games[0], "q", "r", 1);
  expect(late).toEqual([{ ok: false, error: expect.objectContaining({ code: "UNAVAILABLE" }) }]);
  expect(clock.pendingTimers).toBe(0);
});

test("release forgets an idle game, but not one with claims pending", async () => {
  const { engine, claim, tick, games, fanout } = await setup();
  claim(games[0], "p", "r", 1);
  engine.release(games[0]);
  await tick();
  expect(fanout.emitted).toHaveLength(1);
  engine.release(games[0]);
  engine.receive(games[0], { total: 100, remaining: 50, version: 40 });
  await tick();
  expect(fanout.emitted).toHaveLength(1);
});

test("each store call is reported with the number of claims it carried", async () => {
  const { engine, claim, tick, games } = await setup();
  const reports: { claims: number; calls: number }[] = [];
  engine.onBatch = ({ claims, calls }) => reports.push({ claims, calls });
  claim(games[0], "p1", "r", 1);
  claim(games[0], "p2", "r", 1);
  await tick();
  expect(reports).toEqual([{ claims: 2, calls: 0 }]);
});

test("with slotsMinIntervalMs, a room's count is emitted at most that often, and the newest state always goes out", async () => {
  const { claim, tick, games, fanout, clock } = await setup({ slotsMinIntervalMs: 3 * TICK });
  for (let t = 0; t < 4; t++) {
    claim(games[0], `p${t}`, "r", 1);
    await tick();
  }
  // Claims resolved on 4 ticks; the count went out on the first and once the interval passed.
  expect(fanout.emitted.map(([, s]) => s.remaining)).toEqual([99, 96]);
  claim(games[0], "p9", "r", 1);
  await tick();
  expect(fanout.emitted).toHaveLength(2);
  // Nothing more is claimed: the held state still goes out when the interval has passed.
  while (clock.pendingTimers > 0 && fanout.emitted.length < 3) await tick();
  expect(fanout.emitted.map(([, s]) => s.remaining)).toEqual([99, 96, 95]);
});

describe("the broadcast budget (slotsBroadcastPercent)", () => {
  /** Claims one card every tick for `ms` of clock time; returns when (clock ms) each count went out, and what. */
  async function storm(emitCostMs: number, ms: number) {
    const { claim, tick, games, fanout, clock } = await setup({ slotsMinIntervalMs: 200, slotsBroadcastPercent: 10 });
    fanout.emitCostMs = emitCostMs;
    const at: number[] = [];
    const record = fanout.emitLocal.bind(fanout);
    fanout.emitLocal = (gameId, latest, done) => {
      at.push(clock.now());
      record(gameId, latest, done);
    };
    for (let t = 0; t * TICK < ms; t++) {
      claim(games[0], `p${t}`, "r", 1);
      await tick();
    }
    const claimed = ms / TICK;
    // The claiming stops: the newest count still goes out, however long the wait.
    while (clock.pendingTimers > 0) await tick();
    const remaining = fanout.emitted.map(([, s]) => s.remaining);
    const versions = fanout.emitted.map(([, s]) => s.version);
    const gaps = at.slice(1).map((t, k) => t - at[k]);
    return { remaining, versions, gaps, claimed };
  }

  it("a cheap emit (a small room) keeps the floor's cadence: 5 a second", async () => {
    const { gaps, remaining, claimed } = await storm(1, 2000);
    expect(new Set(gaps)).toEqual(new Set([200]));
    expect(remaining.at(-1)).toBe(100 - claimed);
  });

  it("a costly emit waits cost × 100 / percent: 30 ms at 10 % → one emit per 300 ms", async () => {
    const { gaps, remaining, versions, claimed } = await storm(30, 3000);
    expect(gaps.length).toBeGreaterThan(5);
    expect(new Set(gaps)).toEqual(new Set([300]));
    // Never a rise, never a version going back, and always the final count.
    for (let k = 1; k < remaining.length; k++) expect(remaining[k]).toBeLessThan(remaining[k - 1]);
    for (let k = 1; k < versions.length; k++) expect(versions[k]).toBeGreaterThan(versions[k - 1]);
    expect(remaining.at(-1)).toBe(100 - claimed);
  });

  it(`a very costly emit (a huge room) still sends the newest count every ${SLOTS_LATEST_WITHIN_MS} ms`, async () => {
    const { gaps, remaining, claimed } = await storm(500, 4000);
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    expect(new Set(gaps)).toEqual(new Set([SLOTS_LATEST_WITHIN_MS]));
    expect(remaining.at(-1)).toBe(100 - claimed);
  });
});
