import type { SlotState } from "../../shared/protocol";
import { ClaimEngine } from "../../server/claims/claim-engine";
import { GameCatalog } from "../../server/game/game-rules";
import { MemoryGameStore } from "../../server/store/memory/memory-game-store";
import { gameFixture } from "../support/games";
import { ManualClock, settle } from "../support/manual-clock";

test("stop() resolves and emits the newest slot state even inside SLOTS_MIN_INTERVAL_MS (the clock standing still)", async () => {
  const clock = new ManualClock();
  const store = new MemoryGameStore(clock);
  await store.createGame(gameFixture("g", "host"));
  await store.openClaims("g", "host", 10, 5);
  const emitted: SlotState[] = [];
  const engine = new ClaimEngine(
    store,
    new GameCatalog(store),
    { emitLocal: (_gameId, latest, done) => (emitted.push(latest()), done(0)), share: () => undefined, called: () => undefined, awarded: () => undefined },
    clock,
    { tickMs: 50, maxClaimsPerTick: 100, slotsMinIntervalMs: 10_000 },
  );
  const answered: boolean[] = [];
  engine.enqueue("g", "p", "r1", 1, (ack) => answered.push(ack.ok));
  clock.advance(50);
  await settle();
  engine.enqueue("g", "p", "r2", 1, (ack) => answered.push(ack.ok));
  clock.advance(50);
  await settle();
  // The second state is held back by the interval...
  expect(emitted.map((state) => state.remaining)).toEqual([9]);
  // ...until the engine stops: then it goes out, and stop() returns although no time passes.
  await engine.stop();
  expect(answered).toEqual([true, true]);
  expect(emitted.map((state) => state.remaining)).toEqual([9, 8]);
});
