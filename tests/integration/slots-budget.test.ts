import type { BingoClient } from "../../shared/client";
import type { SlotsMessage } from "../../shared/protocol";
import { SLOTS_LATEST_WITHIN_MS } from "../../server/claims/claim-engine";
import { ok } from "../support/acks";
import { slotsReach } from "../support/events";
import { ManualClock, settle } from "../support/manual-clock";
import { handled } from "../support/server-sockets";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";

/**
 * The broadcast budget on real sockets: the count's cadence per room follows what its last
 * emit cost. The emit itself is real (Socket.IO writing to every joined socket); only its
 * measured cost is injected (`hrNow`), so the cadence is exact on any machine.
 */
const TICK = 50;
const PLAYERS = 8;
const TOTAL = 1000;

describe.each([
  // [emit cost (ms), percent, expected wait between two counts (ms)]
  [1, 10, 200], // cheap (small room): the 200 ms floor, 5 a second
  [20, 5, 400], // 20 ms × 100 / 5 %
  [80, 2, SLOTS_LATEST_WITHIN_MS], // 4 s by budget, capped: the newest count at least once a second
])("an emit costing %p ms with a %p %% budget", (costMs, percent, expectedGapMs) => {
  let app: TestApp;
  let clock: ManualClock;
  let host: BingoClient;
  let players: BingoClient[];
  let hr = 0;

  beforeEach(async () => {
    clock = new ManualClock();
    hr = 0;
    // Each reading advances this clock by costMs, so an emit, timed between two readings, costs costMs.
    app = await startTestApp({ clock, hrNow: () => (hr += costMs), config: { tickMs: TICK, slotsMinIntervalMs: 200, slotsBroadcastPercent: percent } });
    host = await app.client("budget-host", "host");
    players = await Promise.all(Array.from({ length: PLAYERS }, (_, i) => app.client(`budget-player-${i}`, "player")));
  });

  afterEach(() => app.stop());

  test(`every player hears the count every ${expectedGapMs} ms of a storm, only ever down, and the final count (the claimer in its acks)`, async () => {
    const { gameId } = ok(await host.createGame({ title: "Budget" }), "create");
    ok(await host.openClaims({ gameId, totalSlots: TOTAL, maxPerPlayer: 100 }), "open");
    for (const player of players) ok(await player.join(gameId), "join");
    const heard: SlotsMessage[][] = players.map(() => []);
    players.forEach((player, k) => player.socket.on("slots", (message) => heard[k].push(message)));

    // One claim per tick for 3 s of the game's clock.
    const claimer = players[0];
    const ticks = 3000 / TICK;
    for (let t = 0; t < ticks; t++) {
      const taken = handled(app, claimer.socket.id!, 1);
      const ack = claimer.claim(gameId, 1, `storm-${t}`);
      await taken;
      await settle();
      clock.advance(TICK);
      ok(await ack, `claim ${t}`);
    }
    // The claiming stops: the held-back count still reaches everyone.
    const final = TOTAL - ticks;
    await Promise.all(
      players.map(async (player) => {
        const reached = slotsReach(player, gameId, (slots) => slots.remaining === final);
        while (clock.pendingTimers > 0 && player.slots(gameId)?.remaining !== final) {
          clock.advance(TICK);
          await settle();
        }
        await reached;
      }),
    );

    // The claimer had every count in its acks (one per tick), so the broadcasts skipped it.
    expect(heard[0]).toEqual([]);
    expect(claimer.slots(gameId)?.remaining).toBe(final);
    for (const messages of heard.slice(1)) {
      const stormCounts = messages.filter((m) => m.remaining < TOTAL);
      expect(stormCounts.length).toBeGreaterThanOrEqual(3);
      const gaps = stormCounts.slice(1).map((m, k) => m.at - stormCounts[k].at);
      expect(new Set(gaps)).toEqual(new Set([expectedGapMs]));
      for (let k = 1; k < messages.length; k++) {
        expect(messages[k].version).toBeGreaterThan(messages[k - 1].version);
        expect(messages[k].remaining).toBeLessThan(messages[k - 1].remaining);
      }
      expect(messages.at(-1)!.remaining).toBe(final);
    }
  });
});
