import fc from "fast-check";
import { TokenBucket } from "../../server/domain/token-bucket";
import type { EventVerdict } from "../../server/transport/event-limits";
import { ABUSE_PAUSE_MS, EventLimits } from "../../server/transport/event-limits";
import { ManualClock } from "../support/manual-clock";

describe("TokenBucket", () => {
  test("a full bucket lets `burst` events through at once, then none until time refills it", () => {
    const bucket = new TokenBucket({ burst: 3, perSecond: 2 }, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(499)).toBe(false);
    expect(bucket.take(500)).toBe(true);
    expect(bucket.take(500)).toBe(false);
    // Never more than the burst, however long it rested.
    expect(bucket.full(1_000_000)).toBe(true);
    expect([0, 0, 0, 0].map(() => bucket.take(1_000_000))).toEqual([true, true, true, false]);
  });

  test("a clock stepped back does not freeze the bucket", () => {
    const bucket = new TokenBucket({ burst: 1, perSecond: 1 }, 10_000);
    expect(bucket.take(10_000)).toBe(true);
    expect(bucket.take(5_000)).toBe(false);
    expect(bucket.take(6_000)).toBe(true);
  });

  test("over any run of events, at most burst + elapsed * rate are let through", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 300 }), (burst, perSecond, gaps) => {
        const bucket = new TokenBucket({ burst, perSecond }, 0);
        let now = 0;
        let passed = 0;
        for (const gap of gaps) {
          now += gap;
          if (bucket.take(now)) passed++;
        }
        expect(passed).toBeLessThanOrEqual(burst + Math.floor((now * perSecond) / 1000));
      }),
    );
  });
});

const POLICY = { disconnectAfterMs: 10_000 };
/** A verdict as a short word: "ok", or "<scope> <action>". */
const said = (verdict: EventVerdict): string => (verdict.pass ? "ok" : `${verdict.scope} ${verdict.action}`);

describe("EventLimits", () => {
  test("a player's sockets share the player's bucket; a player reconnecting gets no fresh allowance until it refilled", () => {
    const clock = new ManualClock();
    const limits = new EventLimits({ burst: 10, perSecond: 1 }, { burst: 3, perSecond: 1 }, clock, POLICY);
    const a = limits.opened("p");
    const b = limits.opened("p");
    expect(limits.socketsOf("p")).toBe(2);
    expect([a.spend(), b.spend(), a.spend(), b.spend()].map(said)).toEqual(["ok", "ok", "ok", "player answer"]);
    expect(said(limits.opened("q").spend())).toBe("ok");
    limits.closed("p");
    limits.closed("p");
    expect(limits.socketsOf("p")).toBe(0);
    expect(said(limits.opened("p").spend())).toBe("player answer");
    limits.closed("p");
    clock.advance(3000);
    expect(limits.size).toBe(2);
    // Full again: forgotten with its last socket.
    limits.opened("p");
    limits.closed("p");
    expect(limits.size).toBe(1);
  });

  test("a socket's own bucket refuses first when it is the smaller", () => {
    const limits = new EventLimits({ burst: 2, perSecond: 1 }, { burst: 100, perSecond: 1 }, new ManualClock(), POLICY);
    const socket = limits.opened("p");
    expect([socket.spend(), socket.spend(), socket.spend()].map(said)).toEqual(["ok", "ok", "socket answer"]);
  });

  test("over the limit, one refusal per refill window is answered and the rest are dropped", () => {
    const clock = new ManualClock();
    // 4 tokens a second: one every 250 ms, the refill window.
    const socket = new EventLimits({ burst: 1, perSecond: 4 }, { burst: 100, perSecond: 100 }, clock, POLICY).opened("p");
    expect(said(socket.spend())).toBe("ok");
    expect(Array.from({ length: 1000 }, () => said(socket.spend())).filter((word) => word === "socket answer")).toHaveLength(1);
    clock.advance(249);
    expect(said(socket.spend())).toBe("socket drop");
    clock.advance(1);
    // A token came back with the window: the event passes, and the next refusal is answered.
    expect(said(socket.spend())).toBe("ok");
    expect([socket.spend(), socket.spend()].map(said)).toEqual(["socket answer", "socket drop"]);
  });

  test("a socket refused without a pause of ABUSE_PAUSE_MS for disconnectAfterMs is cut; one that pauses is not", () => {
    const clock = new ManualClock();
    const limits = new EventLimits({ burst: 1, perSecond: 10 }, { burst: 100, perSecond: 100 }, clock, { disconnectAfterMs: 10_000 });
    const flooder = limits.opened("flooder");
    const pausing = limits.opened("pausing");
    let cutAt: number | null = null;
    // Both go over the limit every 100 ms (3 events, 1 token); the second rests a full pause every 5 s.
    for (let t = 0; t <= 12_000; t += 100) {
      for (let i = 0; i < 3; i++) if (said(flooder.spend()) === "socket cut") cutAt ??= t;
      if (t % 5000 >= ABUSE_PAUSE_MS) for (let i = 0; i < 3; i++) expect(said(pausing.spend())).not.toMatch(/cut/);
      clock.advance(100);
    }
    // Its first refusal was at 0 ms.
    expect(cutAt).toBe(10_000);
  });
});
