import { COUNT_DOWN_MS, countDownValue } from "../../web/common/count-down";

/** The player app's and presenter screen's counter rolls down between two counts the server sent. */
describe("countDownValue", () => {
  test("starts at the shown value and lands exactly on the new one when the roll is over", () => {
    expect(countDownValue(900, 600, 0)).toBe(900);
    expect(countDownValue(900, 600, COUNT_DOWN_MS)).toBe(600);
    expect(countDownValue(900, 600, COUNT_DOWN_MS * 5)).toBe(600);
  });

  test("only ever goes down frame after frame, and never below the new count", () => {
    let previous = 900;
    for (let t = 0; t <= COUNT_DOWN_MS; t += 16) {
      const value = countDownValue(900, 600, t);
      expect(value).toBeLessThanOrEqual(previous);
      expect(value).toBeGreaterThanOrEqual(600);
      expect(Number.isInteger(value)).toBe(true);
      previous = value;
    }
  });

  test("eases out: most of the drop is shown in the first half", () => {
    expect(countDownValue(1000, 0, COUNT_DOWN_MS / 2)).toBeLessThanOrEqual(250);
  });

  test("a higher value (a new claim window) is not rolled to: it is shown at once", () => {
    expect(countDownValue(10, 500, 0)).toBe(500);
  });
});
