import fc from "fast-check";
import { TokenBucket } from "../../server/domain/token-bucket";
import { EventLimits } from "../../server/transport/event-limits";
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

describe("EventLimits", () => {
  test("a player's sockets share the player's bucket; a player reconnecting gets no fresh allowance until it refilled", () => {
    const clock = new ManualClock();
    const limits = new EventLimits({ burst: 10, perSecond: 1 }, { burst: 3, perSecond: 1 }, clock);
    const a = limits.opened("p");
    const b = limits.opened("p");
    expect([a.spend(), b.spend(), a.spend(), b.spend()]).toEqual([null, null, null, "player"]);
    expect(limits.opened("q").spend()).toBeNull();
    limits.closed("p");
    limits.closed("p");
    expect(limits.opened("p").spend()).toBe("player");
    limits.closed("p");
    clock.advance(3000);
    expect(limits.size).toBe(2);
    // Full again: forgotten with its last socket.
    limits.opened("p");
    limits.closed("p");
    expect(limits.size).toBe(1);
  });

  test("a socket's own bucket refuses first when it is the smaller", () => {
    const limits = new EventLimits({ burst: 2, perSecond: 1 }, { burst: 100, perSecond: 1 }, new ManualClock());
    const socket = limits.opened("p");
    expect([socket.spend(), socket.spend(), socket.spend()]).toEqual([null, null, "socket"]);
  });
});
