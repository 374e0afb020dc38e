import { ERROR_CODES, protocolError } from "../../shared/protocol";
import type { ErrorCode } from "../../shared/protocol";
import { errorText, patternLabel } from "../../web/common/format";
import { parsePrizes } from "../../web/host/create-form";
import { unawardedText } from "../../web/host/unawarded";
import type { GameState } from "../../web/common/game-state";

/** What the pages say to people: plain sentences, human names and amounts, never protocol. */

describe("errorText", () => {
  test.each(Object.keys(ERROR_CODES) as ErrorCode[])("%s reads as a plain sentence without the code or the server's message", (code) => {
    const text = errorText(protocolError(code, "round:auto: intervalMs: Too small: expected number to be >=250"));
    expect(text).toMatch(/^[A-Z][^_]*\.$/);
    expect(text).not.toContain(code);
    expect(text).not.toContain("intervalMs");
  });
});

describe("parsePrizes", () => {
  test("amounts with up to two decimals become minor units, exactly", () => {
    expect(parsePrizes("10.00, 50", 75)).toEqual([1000, 5000]);
    expect(parsePrizes("0.29,1.5", 75)).toEqual([29, 150]);
    expect(parsePrizes("", 90)).toEqual([0, 0, 0]);
  });

  test("anything else is a message naming the patterns in words", () => {
    expect(parsePrizes("10,abc", 75)).toMatch(/amounts such as 10.00/);
    expect(parsePrizes("1.234,5", 75)).toMatch(/amounts such as 10.00/);
    expect(parsePrizes("10", 75)).toBe("Prizes: give 2 amounts, one per pattern (Line, Full house).");
  });
});

describe("unawardedText", () => {
  const state = (over: Partial<GameState>): GameState =>
    ({ phase: "running", patterns: ["line", "four-corners", "full-house"], prizes: [250, 0, 4000], awards: [], ...over }) as GameState;
  const award = { pattern: "line" as const, ballIndex: 3, winners: [], prizeEach: 250 };

  test("names each prize still in play, with its amount when it has one", () => {
    expect(unawardedText(state({}))).toMatch(/^Not won yet: Line \(2\.50\), Four corners and Full house \(40\.00\)\. Ending now awards nothing more\./);
    expect(unawardedText(state({ awards: [award] }))).toMatch(/^Not won yet: Four corners and Full house \(40\.00\)\./);
    expect(unawardedText(state({ phase: "claiming" }))).toMatch(/^The round has not started, so nothing is won yet: /);
  });

  test("says so when every prize has been awarded", () => {
    expect(unawardedText(state({ awards: [award, { ...award, pattern: "four-corners" }, { ...award, pattern: "full-house" }] }))).toMatch(/^Every prize has been awarded\./);
  });

  test("pattern ids become names", () => {
    expect(["line", "four-corners", "full-house", "one-line", "two-lines"].map((p) => patternLabel(p as never))).toEqual(["Line", "Four corners", "Full house", "One line", "Two lines"]);
  });
});
