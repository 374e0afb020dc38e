import type { Browser } from "playwright-core";
import type { BingoClient } from "../../shared/client";
import type { GameSnapshot, PublicRecord } from "../../shared/protocol";
import { publicRecordSchema } from "../../shared/protocol";
import { patternNumbers } from "../../shared/game/patterns";
import type { E2ePage } from "../support/browser";
import { DESKTOP, PHONE, byTestId, launchBrowser, openPage, screenshot, setValue, texts, waitCount, waitDisabled, waitText, waitUntil, waitVisible } from "../support/browser";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";
import { devTokenClient } from "../support/dev-tokens";
import { claimCards, connected, count, firstInt, recordSlotsLeft, shownBalls, shownCardIds, shownCards, slotsSeen, waitBallCount, waitSeed } from "./pages";

/**
 * A whole show in real headless Chromium: the host console creates a game and opens claims,
 * two players on phones claim every slot, the host draws until the server has called bingo
 * for someone, and ends the game; every page agrees with the server.
 */

jest.setTimeout(300_000);

let app: TestApp;
/** Where the players' pages connect: the same node, or another node on the same Redis. */
let playerApp: TestApp;
let redis: TestRedis | undefined;
let browser: Browser;
const pages: E2ePage[] = [];
let spectator: BingoClient | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function startNodes(setup: "embedded" | "two-nodes"): Promise<void> {
  const config = { claimGraceMs: 300 };
  if (setup === "embedded") {
    app = playerApp = await startTestApp({ devMode: true, config });
    return;
  }
  redis = await startRedis();
  app = await startTestApp({ redisUrl: redis.url, devMode: true, config });
  playerApp = await startTestApp({ redisUrl: redis.url, devMode: true, config });
}

async function stopNodes(): Promise<void> {
  spectator?.close();
  spectator = undefined;
  for (const { context } of pages.splice(0)) await context.close().catch(() => undefined);
  await app?.stop();
  if (playerApp !== app) await playerApp?.stop();
  await redis?.stop();
  redis = undefined;
}

async function snapshot(gameId: string): Promise<GameSnapshot> {
  spectator ??= (await devTokenClient(app.url, "player", "e2e-spectator")).client;
  const joined = await spectator.join(gameId);
  if (!joined.ok) throw new Error(`spectator join: ${JSON.stringify(joined)}`);
  return joined.game;
}

async function fetchRecord(gameId: string): Promise<PublicRecord> {
  const response = await fetch(`${app.url}/api/games/${gameId}/record`);
  expect(response.status).toBe(200);
  return publicRecordSchema.parse(await response.json());
}

describe.each([
  ["on the embedded default", "embedded" as const],
  ["on two nodes sharing Redis (host on one, players on the other)", "two-nodes" as const],
])("a show %s", (_label, setup) => {
  beforeAll(() => startNodes(setup));
  afterAll(() => stopNodes());

  test("host console and two phones: claim rush to sold out, draws, a server-called winner, the reveal", async () => {
    // --- Host creates a 75-ball game and opens 4 slots, at most 2 each.
    const host = await openPage(browser, "host", `${app.url}/host`, DESKTOP);
    pages.push(host);
    await connected(host);
    await byTestId(host.page, "title").fill("E2E show");
    await setValue(host.page, "variant", "75");
    await byTestId(host.page, "prizes").fill("10.00, 50");
    await byTestId(host.page, "create-button").click();
    await waitUntil(host, "a game code", (sel) => /^[A-Za-z0-9_-]{1,64}$/.test((document.querySelector(sel)?.textContent ?? "").trim()), '[data-testid="game-code"]');
    const gameId = ((await byTestId(host.page, "game-code").textContent()) ?? "").trim();
    await waitUntil(host, "a 64-hex commitment", (sel) => /[0-9a-f]{64}/.test(document.querySelector(sel)?.textContent ?? ""), '[data-testid="commitment"]');
    const commitment = /[0-9a-f]{64}/.exec((await byTestId(host.page, "commitment").textContent()) ?? "")![0];
    const link = byTestId(host.page, "player-link");
    expect(`${(await link.getAttribute("href")) ?? ""} ${(await link.textContent()) ?? ""}`).toContain(`/play/${gameId}`);

    await byTestId(host.page, "total-slots").fill("4");
    await byTestId(host.page, "max-per-player").fill("2");
    await byTestId(host.page, "open-button").click();

    // --- Two players on phones join through the game's link.
    const players: E2ePage[] = [];
    for (const n of [1, 2]) {
      const player = await openPage(browser, `player-${n}`, `${playerApp.url}/play/${gameId}`, PHONE);
      pages.push(player);
      players.push(player);
    }
    for (const player of players) {
      await connected(player);
      await waitText(player, "game-title", "E2E show");
      await waitText(player, "phase", "Claiming open");
      await waitText(player, "slots-left", "4");
      expect(firstInt((await byTestId(player.page, "slots-total").textContent()) ?? "")).toBe(4);
      await waitDisabled(player, "claim-button", false);
      expect(await byTestId(player.page, "auto-claim").isChecked()).toBe(true);
      await recordSlotsLeft(player);
      // Vibrations the page asks for, recorded (headless Chromium has no motor to feel).
      await player.page.evaluate(() => {
        const seen: unknown[] = [];
        (window as unknown as { __vibrations: unknown[] }).__vibrations = seen;
        navigator.vibrate = (pattern: VibratePattern) => (seen.push(pattern), true);
      });
    }
    // Each picks a display name: the host's winners list shows it with the card.
    const names = ["Ana", "Ben"];
    for (const [k, player] of players.entries()) {
      await byTestId(player.page, "name-input").fill(names[k]);
      await byTestId(player.page, "name-save").click();
      await waitText(player, "name-status", `You play as ${names[k]}.`);
    }

    // --- Both claim 2 at once: all 4 slots go, the count only ever falls, claiming stops.
    await Promise.all(players.map((player) => claimCards(player, 2, 2)));
    for (const player of players) {
      await waitText(player, "slots-left", "0");
      await waitDisabled(player, "claim-button", true);
      const seen = await slotsSeen(player);
      for (const text of seen) expect(text).toMatch(/^\d+$/);
      const values = seen.map(Number);
      expect(values[0]).toBe(4);
      expect(values[values.length - 1]).toBe(0);
      for (let i = 1; i < values.length; i++) {
        if (values[i] > values[i - 1]) throw new Error(`${player.name}: slots-left rose from ${values[i - 1]} to ${values[i]} (seen: ${seen.join(" → ")})`);
      }
    }
    const ids = await Promise.all(players.map(shownCardIds));
    expect(ids.map((list) => list.length)).toEqual([2, 2]);
    expect([...ids[0], ...ids[1]].sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
    for (const player of players) {
      for (const card of await shownCards(player)) {
        expect(card.cells).toBeGreaterThanOrEqual(24);
        expect(card.numbers).toHaveLength(24);
      }
    }
    await waitUntil(host, "stat-slots-left to show 0", (sel) => /^\D*0(\D|$)/.test((document.querySelector(sel)?.textContent ?? "").trim()), '[data-testid="stat-slots-left"]');

    // --- The round: the host draws by hand until the server has called bingo for someone.
    await byTestId(host.page, "start-button").click();
    for (const player of players) {
      await waitText(player, "phase", "Round running");
      await waitDisabled(player, "bingo-button", true);
    }
    for (let drawn = 0; drawn < 75; drawn++) {
      if ((await count(host, "winners", "winner")) > 0) break;
      await waitDisabled(host, "draw-button", false);
      const before = await count(host, "balls", "ball");
      await byTestId(host.page, "draw-button").click();
      await waitCount(host, ["balls", "ball"], before + 1);
    }
    await waitCount(host, ["winners", "winner"], 1);

    // --- Everyone agrees with the server: awards, winners, balls, marked cells.
    const game = await snapshot(gameId);
    // The host typed amounts ("10.00, 50"); the game holds them in minor units.
    expect(game.prizes).toEqual([1000, 5000]);
    expect(game.round.awards.length).toBeGreaterThanOrEqual(1);
    const draws = game.round.draws;
    const winningCards = new Set(game.round.awards.flatMap((award) => award.winners.map((w) => w.cardId)));
    await waitCount(host, ["winners", "winner"], game.round.awards.length);
    await waitBallCount(host, draws.length);
    expect(await shownBalls(host)).toEqual(draws);
    expect(firstInt((await byTestId(host.page, "last-ball").textContent()) ?? "")).toBe(draws[draws.length - 1]);

    const winnerTexts: string[][] = [];
    let winnersFound = 0;
    for (const player of players) {
      await waitCount(player, ["winners", "winner"], game.round.awards.length);
      winnerTexts.push(await texts(player.page, "winners", "winner"));
      await waitBallCount(player, draws.length);
      expect(await shownBalls(player)).toEqual(draws);
      expect(firstInt((await byTestId(player.page, "last-ball").textContent()) ?? "")).toBe(draws[draws.length - 1]);

      const cards = await shownCards(player);
      const won = cards.some((card) => winningCards.has(card.id));
      // The award moment, in view on the phone: "You won" with a vibration, or "Not this time".
      const banner = await waitVisible(player, "result-banner");
      const box = (await banner.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
      const vibrations = await player.page.evaluate(() => (window as unknown as { __vibrations: unknown[] }).__vibrations);
      if (won) {
        winnersFound++;
        await waitVisible(player, "you-won");
        expect(await byTestId(player.page, "result-banner").getAttribute("data-result")).toBe("won");
        // A tie splits the line's 10.00: the banner names this player's share, as awarded.
        const share = game.round.awards[0].prizeEach;
        expect(share * game.round.awards[0].winners.length + game.round.awards[0].remainder).toBe(1000);
        const shareText = `€${(share / 100).toFixed(2)}`.replace(".", "\\.");
        expect((await byTestId(player.page, "result-text").textContent()) ?? "").toMatch(new RegExp(`^You won! Line on card \\d+ \\(${shareText}\\)`));
        expect(vibrations).toHaveLength(1);
      } else {
        expect(await byTestId(player.page, "you-won").isVisible()).toBe(false);
        expect(await byTestId(player.page, "result-banner").getAttribute("data-result")).toBe("lost");
        expect((await byTestId(player.page, "result-text").textContent()) ?? "").toBe("Not this time: Line went to another card.");
        expect(vibrations).toEqual([]);
      }
      // The winning line lights up on the card that won, and only there.
      for (const card of cards) {
        const award = game.round.awards.find((a) => a.winners.some((w) => w.cardId === card.id));
        const expected = award ? [...patternNumbers(card.grid, award.pattern, draws.slice(0, award.ballIndex + 1))].sort((a, b) => a - b) : [];
        expect({ card: card.id, winning: card.winning }).toEqual({ card: card.id, winning: expected });
      }
      const drawnSet = new Set(draws);
      for (const card of cards) {
        const shouldBeMarked = card.numbers.filter((n) => drawnSet.has(n)).sort((a, b) => a - b);
        expect({ card: card.id, marked: [...card.marked].sort((a, b) => a - b) }).toEqual({ card: card.id, marked: shouldBeMarked });
      }
    }
    expect(winnerTexts[1]).toEqual(winnerTexts[0]);
    // Every winner is named as they chose to be called.
    for (const text of await texts(host.page, "winners", "winner")) expect(text).toMatch(/card \d+ \((Ana|Ben)\)/);
    expect(winnersFound).toBeGreaterThanOrEqual(1);

    if (setup === "embedded") {
      await screenshot(host.page, "host");
      await screenshot(players[0].page, "player-1");
      await screenshot(players[1].page, "player-2");
    }

    // --- End game asks first, naming what is still unawarded; "Keep playing" changes nothing.
    const unawarded = game.round.awards.length < 2;
    await byTestId(host.page, "end-button").click();
    await waitVisible(host, "end-confirm");
    const question = (await byTestId(host.page, "end-confirm-text").textContent()) ?? "";
    if (unawarded) expect(question).toContain("Full house (€50.00)");
    else expect(question).toContain("Every prize has been awarded");
    await byTestId(host.page, "end-keep").click();
    expect(await byTestId(host.page, "end-confirm").isVisible()).toBe(false);
    expect((await snapshot(gameId)).phase).toBe("running");

    // --- The host ends the game: the seed is revealed everywhere and matches the public record.
    await byTestId(host.page, "end-button").click();
    await byTestId(host.page, "end-confirm-button").click();
    const hostSeed = await waitSeed(host, "seed");
    const record = await fetchRecord(gameId);
    expect(hostSeed).toBe(record.seed);
    expect(record.commitment).toBe(commitment);
    for (const player of players) {
      await waitVisible(player, "finished");
      expect(await waitSeed(player, "finished", "seed")).toBe(record.seed);
      await waitText(player, "phase", "Finished");
      // The winners' cards the page shows are the cards the seed makes.
      for (const card of await shownCards(player)) {
        const grid = record.cards[String(card.id)];
        if (!grid) continue;
        expect([...card.numbers].sort((a, b) => a - b)).toEqual(grid.flat().filter((n) => n > 0).sort((a, b) => a - b));
      }
    }
    expect(record.draws.slice(0, draws.length)).toEqual(draws);

    for (const page of pages) expect({ page: page.name, errors: page.errors.filter((e) => e.startsWith("pageerror")) }).toEqual({ page: page.name, errors: [] });
  });
});
