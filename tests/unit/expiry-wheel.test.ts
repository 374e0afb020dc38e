import { ExpiryWheel } from "../../server/transport/session-expiry";

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

describe("ExpiryWheel", () => {
  test("an item comes out at the first sweep at or after its second, once", () => {
    const wheel = new ExpiryWheel<string>(T0);
    wheel.track("a", T0 + 2500);
    wheel.track("b", T0 + 1000);
    expect(wheel.sweep(T0 + 999)).toEqual([]);
    expect(wheel.sweep(T0 + 1000)).toEqual(["b"]);
    expect(wheel.sweep(T0 + 1999)).toEqual([]);
    expect(wheel.sweep(T0 + 2000)).toEqual(["a"]);
    expect(wheel.sweep(T0 + 9000)).toEqual([]);
    expect(wheel.size).toBe(0);
  });

  test("a forgotten item never comes out, and tracking again moves it", () => {
    const wheel = new ExpiryWheel<string>(T0);
    wheel.track("gone", T0 + 1000);
    wheel.track("moved", T0 + 1000);
    wheel.forget("gone");
    wheel.forget("never-tracked");
    wheel.track("moved", T0 + 5000);
    expect(wheel.sweep(T0 + 4000)).toEqual([]);
    expect(wheel.sweep(T0 + 5000)).toEqual(["moved"]);
  });

  test("a time already past comes out at the next sweep", () => {
    const wheel = new ExpiryWheel<string>(T0);
    wheel.sweep(T0 + 3000);
    wheel.track("late", T0 - 60_000);
    expect(wheel.sweep(T0 + 3000)).toEqual([]);
    expect(wheel.sweep(T0 + 4000)).toEqual(["late"]);
  });

  test("a sweep after a long stall takes everything due, and nothing that is not", () => {
    const wheel = new ExpiryWheel<number>(T0);
    for (let i = 0; i < 1000; i++) wheel.track(i, T0 + i * 60_000);
    const due = wheel.sweep(T0 + 500 * 60_000);
    expect(due.sort((a, b) => a - b)).toEqual(Array.from({ length: 501 }, (_, i) => i));
    expect(wheel.size).toBe(499);
  });
});
