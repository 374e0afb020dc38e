import type { Browser } from "playwright-core";
import type { BingoClient } from "../../shared/client";
import type { WinnersMessage } from "../../shared/protocol";
import type { E2ePage } from "../support/browser";
import { PHONE, byTestId, launchBrowser, openPage, texts, waitText, waitUntil, waitVisible } from "../support/browser";
import { devTokenClient } from "../support/dev-tokens";
import { nextEvent } from "../support/events";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";
import { claimCards, connected, count, waitBallCount } from "./pages";

/**
 * Issue 15, in real Chromium: with AWARD_WINNERS_SHOWN 0 an award names none of its winners
 * to the room, only how many there are. The winning player's app still says "You won" with
 * the card (from `bingo:won`), the other player's app and the screen say how many cards won.
 */

jest.setTimeout(180_000);

/** The presenter screen's own size. */
const TV = { width: 1920, height: 1080 } as const;

let browser: Browser;
let app: TestApp;
const clients: BingoClient[] = [];
const pages: E2ePage[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startTestApp({ devMode: true, config: { claimGraceMs: 100, awardWinnersShown: 0 } });
});

afterAll(async () => {
  for (const client of clients) client.close();
  for (const { context } of pages) await context.close().catch(() => undefined);
  await browser?.close();
  await app?.stop();
});

async function open(name: string, path: string, viewport: { width: number; height: number }): Promise<E2ePage> {
  const page = await openPage(browser, name, `${app.url}${path}`, viewport);
  pages.push(page);
  return page;
}

async function playerPage(sub: string, gameId: string): Promise<E2ePage> {
  const { client, token } = await devTokenClient(app.url, "player", sub);
  client.close();
  return open(sub, `/play/${gameId}?token=${encodeURIComponent(token)}`, PHONE);
}

test("an award that lists none of its winners: the winner's app says You won, the others count the cards", async () => {
  const { client: host, token } = await devTokenClient(app.url, "host", "counted-host");
  clients.push(host);
  // One pattern: the line's award ends the game, so no later award replaces its banner.
  const created = await host.createGame({ title: "Counted", patterns: ["line"], prizes: [1000] });
  if (!created.ok) throw new Error(created.error.code);
  const { gameId } = created;
  expect((await host.join(gameId)).ok).toBe(true);
  const winner = await playerPage("counted-winner", gameId);
  const watcher = await playerPage("counted-watcher", gameId);
  const screen = await open("counted-screen", `/screen/${gameId}?token=${encodeURIComponent(token)}`, TV);
  for (const page of [winner, watcher, screen]) await connected(page);

  // The winner holds every card, the watcher none: whatever completes the line is the winner's.
  expect((await host.openClaims({ gameId, totalSlots: 2, maxPerPlayer: 2 })).ok).toBe(true);
  await waitText(winner, "phase", "Claiming open");
  await claimCards(winner, 2, 2);

  const line = nextEvent(host.socket, "winners", (message: WinnersMessage) => message.pattern === "line", 60_000);
  expect((await host.startRound(gameId)).ok).toBe(true);
  let award: WinnersMessage | null = null;
  void line.then((message) => (award = message));
  // One ball at a time, each shown on the winner's page before the next, as a host draws.
  for (let drawn = 1; award === null && drawn <= 75; drawn++) {
    // Refused once the award has finished the game.
    if (!(await host.draw(gameId)).ok) break;
    await waitBallCount(winner, drawn);
  }
  const won = await line.catch(async (error: Error) => {
    // Say where the game stood, to tell a missing award from a missing message.
    const view = await host.join(gameId);
    throw new Error(`${error.message}; the game then: ${JSON.stringify(view.ok ? { phase: view.game.phase, draws: view.game.round.draws.length, awards: view.game.round.awards } : view)}`);
  });
  expect([won.winners, won.winnerCount]).toEqual([[], expect.any(Number)]);
  const cards = `${won.winnerCount} card${won.winnerCount === 1 ? "" : "s"}`;

  // The winner: the banner and the "you won" line name the card, though the room's list did not.
  const banner = await waitVisible(winner, "result-banner");
  expect(await banner.getAttribute("data-result")).toBe("won");
  expect((await byTestId(winner.page, "result-text").textContent()) ?? "").toMatch(/^You won! Line on card \d+/);
  await waitVisible(winner, "you-won");
  expect((await byTestId(winner.page, "you-won").textContent()) ?? "").toMatch(/^You won Line on card \d+/);

  // Everyone's winners list: no names, one line with the count.
  for (const page of [winner, watcher]) {
    await waitVisible(page, "winners", "winners-more");
    expect(await count(page, "winners", "winner")).toBe(0);
    expect(await texts(page.page, "winners", "winners-more")).toEqual([`Line — and ${won.winnerCount} more card${won.winnerCount === 1 ? "" : "s"} — €${(won.prizeEach / 100).toFixed(2)} each`]);
  }
  expect(await byTestId(watcher.page, "you-won").isVisible()).toBe(false);
  // The screen announces the award by its count.
  await waitUntil(screen, "the screen to announce the award", (want) => document.body.textContent?.includes(want) ?? false, `Line! ${cards} ${won.winnerCount === 1 ? "wins" : "share it, each"}`);
});
