import { ERROR_CODES, protocolError } from "../../shared/protocol";
import type { ErrorCode } from "../../shared/protocol";
import { DEFAULT_CURRENCY, gameCreateSchema, isCurrency, minorDigits } from "../../shared/protocol";
import { errorText, money, patternLabel } from "../../web/common/format";
import { parseCurrency, parsePrizes } from "../../web/host/create-form";
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
  const award = { pattern: "line" as const, ballIndex: 3, winners: [], winnerCount: 1, prizeEach: 250 };

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

describe("currencies: amounts in each currency's own minor unit", () => {
  test("minor digits come from the currency: EUR 2, JPY 0, BHD 3", () => {
    expect([minorDigits("EUR"), minorDigits("USD"), minorDigits("JPY"), minorDigits("BHD")]).toEqual([2, 2, 0, 3]);
  });

  test("money formats minor units with Intl in the game's currency, exactly", () => {
    expect(money(1050, "EUR", "en-US")).toBe("€10.50");
    expect(money(1050, "USD", "en-US")).toBe("$10.50");
    expect(money(1050, "JPY", "en-US")).toBe("¥1,050");
    expect(money(1500, "BHD", "en-US")).toBe("BHD\u00a01.500");
    expect(money(1050, "EUR", "de-DE")).toBe("10,50\u00a0€");
    // The largest prize the protocol takes, to the last minor unit.
    expect(money(1_000_000_000_000 - 1, "EUR", "en-US")).toBe("€9,999,999,999.99");
    // Without a currency (records made before currencies): two plain decimals, as before.
    expect(money(29)).toBe("0.29");
  });

  test("parsePrizes reads as many decimals as the currency has", () => {
    expect(parsePrizes("1000, 5000", 75, "JPY")).toEqual([1000, 5000]);
    expect(parsePrizes("10.5, 50", 75, "JPY")).toMatch(/amounts such as 1000,/);
    expect(parsePrizes("1.5, 2.125", 75, "BHD")).toEqual([1500, 2125]);
    expect(parsePrizes("0.29, 1.5", 75, "USD")).toEqual([29, 150]);
  });

  test("parseCurrency takes a real ISO 4217 code in any case, and nothing else", () => {
    expect(parseCurrency(" usd ")).toBe("USD");
    expect(parseCurrency("EUR")).toBe("EUR");
    expect(parseCurrency("XYZ")).toBeNull();
    expect(parseCurrency("EURO")).toBeNull();
    expect([isCurrency("eur"), isCurrency("GBP"), DEFAULT_CURRENCY]).toEqual([false, true, "EUR"]);
  });

  test("game:create accepts a known code and refuses anything else", () => {
    expect(gameCreateSchema.safeParse({ currency: "JPY" }).success).toBe(true);
    expect(gameCreateSchema.safeParse({}).success).toBe(true);
    for (const currency of ["ABC", "eur", "EURO", "", 978]) expect(gameCreateSchema.safeParse({ currency }).success).toBe(false);
  });

  test("the End-game confirmation names prizes in the game's currency", () => {
    const state = { phase: "running", patterns: ["line", "full-house"], prizes: [500, 2000], awards: [], currency: "JPY" } as unknown as GameState;
    expect(unawardedText(state)).toMatch(/^Not won yet: Line \(¥500\) and Full house \(¥2,000\)\./);
  });
});
