import fc from "fast-check";
import { splitPrize } from "../../server/domain/prize-split";

test.each([
  ["one winner takes the pool", 1000, 1, 1000, 0],
  ["an even split leaves nothing", 1000, 4, 250, 0],
  ["an uneven split leaves the odd units", 1000, 3, 333, 1],
  ["more winners than units pays nothing each", 2, 5, 0, 2],
  ["an empty pool pays nothing", 0, 3, 0, 0],
])("splitPrize: %s", (_name, pool, winners, each, remainder) => {
  expect(splitPrize(pool, winners)).toEqual({ each, remainder });
});

test("pays out the whole pool, leaving less than one unit per winner (property)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 1, max: 10_000 }), (pool, winners) => {
      const { each, remainder } = splitPrize(pool, winners);
      expect(Number.isInteger(each)).toBe(true);
      expect(each * winners + remainder).toBe(pool);
      expect(remainder).toBeGreaterThanOrEqual(0);
      expect(remainder).toBeLessThan(winners);
    }),
  );
});

test.each([
  ["no winners", 100, 0],
  ["negative winners", 100, -1],
  ["fractional winners", 100, 1.5],
  ["a negative pool", -1, 1],
  ["a fractional pool", 10.5, 1],
])("splitPrize refuses %s", (_name, pool, winners) => {
  expect(() => splitPrize(pool, winners)).toThrow(RangeError);
});
