import type { PlayerPart, SharedGame, StoreResult } from "../../server/ports/game-store";
import type { Joined } from "../../server/game/join-batcher";
import { JoinBatcher } from "../../server/game/join-batcher";
import { MemoryGameStore } from "../../server/store/memory/memory-game-store";
import { MemoryPlayerDirectory } from "../../server/store/memory/memory-push";
import { DEFAULT_DEVICE_LIMITS } from "../../server/ports/push-ports";
import { claimBatch, gameFixture } from "../support/games";
import { ManualClock, settle } from "../support/manual-clock";

/** The embedded store, with the size of each batch read it was asked for. */
class ObservedStore extends MemoryGameStore {
  readonly reads: number[] = [];
  failNext = false;

  override viewMany(gameId: string, playerIds: readonly string[]) {
    this.reads.push(playerIds.length);
    if (this.failNext) {
      this.failNext = false;
      throw new Error("a store bug");
    }
    return super.viewMany(gameId, playerIds);
  }
}

const TICK = 50;
const HOST = "host";
/** A player's socket, open on node instance i1 when its batch is written. */
const ON_I1 = () => "i1";
type Answer = { gameId: string; cards: readonly number[] };
const answers = (game: SharedGame) => (part: PlayerPart): Answer => ({ gameId: game.id, cards: part.cardIds });

async function setup(maxPerTick: number) {
  const clock = new ManualClock();
  const store = new ObservedStore(clock);
  const directory = new MemoryPlayerDirectory(clock, DEFAULT_DEVICE_LIMITS);
  const batcher = new JoinBatcher(store, directory, answers, clock, { tickMs: TICK, maxPerTick });
  await store.createGame(gameFixture("G", HOST));
  await store.openClaims("G", HOST, 100, 5);
  return { clock, store, directory, batcher };
}

/** Records each join's answer as it arrives. */
function track(promises: Promise<StoreResult<Joined<Answer>>>[]) {
  const answered: (StoreResult<Joined<Answer>> | undefined)[] = promises.map(() => undefined);
  promises.forEach((promise, i) => void promise.then((result) => (answered[i] = result)));
  return answered;
}

test("joins of one game share one read per tick, at most maxPerTick each; the rest are read once it settles, none dropped", async () => {
  const { clock, store, batcher } = await setup(10);
  await claimBatch(store, "G", ["p3", "r", 2, "p24", "r", 1]);
  const answered = track(Array.from({ length: 25 }, (_, i) => batcher.join("G", `p${i}`, ON_I1)));
  // The game had no batch in the last tick: the first goes at once.
  clock.advance(0);
  await settle();
  expect(store.reads).toEqual([10]);
  expect(answered.filter(Boolean)).toHaveLength(10);
  // A full batch left joins waiting: the next is read as soon as it settled, not a tick
  // later (the batches are already as large as allowed; waiting would only idle the node).
  clock.advance(0);
  await settle();
  expect(store.reads).toEqual([10, 10]);
  clock.advance(0);
  await settle();
  expect(store.reads).toEqual([10, 10, 5]);
  // Each its own cards, in the order asked.
  expect(answered.map((result) => (result?.ok ? result.value.answer.cards.length : -1))).toEqual(
    Array.from({ length: 25 }, (_, i) => (i === 3 ? 2 : i === 24 ? 1 : 0)),
  );
  expect(clock.pendingTimers).toBe(0);
  expect(batcher.size).toBe(0);
  // The last batch was not full: a join now waits for the tick, to share its read.
  const late = track([batcher.join("G", "late", ON_I1), batcher.join("G", "later", ON_I1)]);
  clock.advance(0);
  await settle();
  expect(store.reads).toEqual([10, 10, 5]);
  clock.advance(TICK);
  await settle();
  expect(store.reads).toEqual([10, 10, 5, 2]);
  expect(late.every((result) => result?.ok)).toBe(true);
});

test("players join the push audience; a host's join does not, and says whether they host the game", async () => {
  const { clock, directory, batcher } = await setup(100);
  const answered = track([batcher.join("G", "p1", ON_I1), batcher.join("G", "p1", ON_I1), batcher.join("G", HOST, null), batcher.join("G", "other-host", null)]);
  clock.advance(0);
  await settle();
  expect(answered.map((result) => result?.ok && result.value.hosting)).toEqual([false, false, true, false]);
  for (const player of ["p1", HOST, "other-host"]) await directory.setAppState(player, "background");
  await directory.registerToken("p1", "tok-p1", "android");
  await directory.registerToken(HOST, "tok-host", "android");
  expect((await directory.pushTargets("G", null, 0)).map((target) => target.playerId)).toEqual(["p1"]);
});

test("each join's instance is asked when the batch is written; a player with one socket still open joins as open, once", async () => {
  const { clock, directory, batcher } = await setup(100);
  const written: { playerId: string; instance?: string }[][] = [];
  const write = directory.joinedMany.bind(directory);
  directory.joinedMany = async (gameId, joins) => {
    written.push([...joins]);
    return write(gameId, joins);
  };
  let open = true;
  const whileOpen = () => (open ? "i1" : undefined);
  track([
    batcher.join("G", "p1", () => undefined),
    batcher.join("G", "p1", ON_I1),
    batcher.join("G", "p2", whileOpen),
    batcher.join("G", "p3", () => undefined),
    batcher.join("G", "p4", ON_I1),
    batcher.join("G", "p4", () => undefined),
  ]);
  // p2's socket closes while its join waits for the batch.
  open = false;
  clock.advance(0);
  await settle();
  expect(written).toEqual([
    [
      { playerId: "p1", instance: "i1" },
      { playerId: "p2", instance: undefined },
      { playerId: "p3", instance: undefined },
      { playerId: "p4", instance: "i1" },
    ],
  ]);
});

test("an unknown game answers each of its joins NOT_FOUND; a store that throws answers INTERNAL and the next batch still runs", async () => {
  const { clock, store, batcher } = await setup(100);
  const missing = track([batcher.join("NOPE", "p1", ON_I1), batcher.join("NOPE", "p2", ON_I1)]);
  clock.advance(0);
  await settle();
  expect(missing.map((result) => result?.ok === false && result.error.code)).toEqual(["NOT_FOUND", "NOT_FOUND"]);
  store.failNext = true;
  const thrown = track([batcher.join("G", "p1", ON_I1), batcher.join("G", "p2", ON_I1)]);
  clock.advance(TICK);
  await settle();
  expect(thrown.map((result) => result?.ok === false && result.error.code)).toEqual(["INTERNAL", "INTERNAL"]);
  const after = track([batcher.join("G", "p1", ON_I1)]);
  clock.advance(TICK);
  await settle();
  expect(after[0]?.ok).toBe(true);
});

test("stopping answers the waiting joins UNAVAILABLE and refuses new ones", async () => {
  const { clock, store, batcher } = await setup(100);
  const waiting = track([batcher.join("G", "p1", ON_I1)]);
  await batcher.stop();
  await settle();
  expect(waiting[0]).toEqual({ ok: false, error: expect.objectContaining({ code: "UNAVAILABLE" }) });
  expect(await batcher.join("G", "p2", ON_I1)).toEqual({ ok: false, error: expect.objectContaining({ code: "UNAVAILABLE" }) });
  clock.advance(TICK);
  expect(store.reads).toEqual([]);
  expect(clock.pendingTimers).toBe(0);
});
