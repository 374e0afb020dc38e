import type { Browser } from "playwright-core";
import type { BingoClient } from "../../shared/client";
import type { WinnersMessage } from "../../shared/protocol";
import { seriousViolations } from "../support/axe";
import type { E2ePage } from "../support/browser";
import { DESKTOP, PHONE, byTestId, launchBrowser, openPage, waitText, waitUntil, waitVisible } from "../support/browser";
import { devTokenClient } from "../support/dev-tokens";
import { nextEvent } from "../support/events";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";
import { claimCards, connected } from "./pages";

/**
 * Accessibility in real Chromium, desktop and phone: axe-core (the real rules engine,
 * injected into each page) finds no serious or critical violation — colour contrast
 * included — on the host console, the player app, the presenter screen and the record page
 * in the lobby, while claiming, during a round with balls and when finished with a winner;
 * and the pages' live region (`announcer`) says each ball and the player's win.
 */

jest.setTimeout(240_000);

let browser: Browser;
let app: TestApp;
const clients: BingoClient[] = [];
const pages: E2ePage[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startTestApp({ devMode: true, config: { claimGraceMs: 100 } });
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

/** Every page passes axe in its current state; the failure names the page, the state and each violation. */
async function expectAccessible(state: string, ...targets: E2ePage[]): Promise<void> {
  for (const target of targets) expect({ page: target.name, state, violations: await seriousViolations(target.page) }).toEqual({ page: target.name, state, violations: [] });
}

/** Keeps every text the announcer region takes from now on in `window.__announced`. */
async function recordAnnouncements(target: E2ePage): Promise<void> {
  await target.page.evaluate(() => {
    const heard: string[] = [];
    (window as unknown as { __announced: string[] }).__announced = heard;
    const region = document.querySelector('[data-testid="announcer"]')!;
    new MutationObserver(() => heard.push((region.textContent ?? "").trim())).observe(region, { childList: true, characterData: true, subtree: true });
  });
}

function announced(target: E2ePage): Promise<string[]> {
  return target.page.evaluate(() => (window as unknown as { __announced: string[] }).__announced);
}

/** Waits until the announcer has said a text containing `want` (it may have said more since). */
function heard(target: E2ePage, want: string): Promise<void> {
  return waitUntil(target, `the announcer to say "${want}"`, (text) => (window as unknown as { __announced: string[] }).__announced.some((said) => said.includes(text)), want);
}

const ballName = (ball: number): string => `${"BINGO"[Math.floor((ball - 1) / 15)]} ${ball}`;

/** The presenter screen's own size; the other pages are checked there too. */
const TV = { width: 1920, height: 1080 } as const;

describe.each([
  ["desktop", DESKTOP],
  ["phone", PHONE],
  ["tv", TV],
])("on a %s", (label, viewport) => {
  test("the console, the player app, the screen and the record page pass axe in every state, and the live region says the balls and the win", async () => {
    const { client: host, token } = await devTokenClient(app.url, "host", `a11y-host-${label}`);
    clients.push(host);
    const hostQuery = `token=${encodeURIComponent(token)}`;

    // Lobby: the console's create form, then the console of a new game.
    const createPage = await open(`host-create-${label}`, `/host?${hostQuery}`, viewport);
    await connected(createPage);
    await waitVisible(createPage, "create-button");
    await expectAccessible("create form", createPage);
    const joinPage = await open(`player-join-${label}`, "/", viewport);
    await waitVisible(joinPage, "join");
    await expectAccessible("join form", joinPage);

    const created = await host.createGame({ title: `Access ${label}`, prizes: [1000, 5000] });
    if (!created.ok) throw new Error(created.error.code);
    const { gameId } = created;
    expect((await host.join(gameId)).ok).toBe(true);
    const consolePage = await open(`host-${label}`, `/host?${hostQuery}&game=${gameId}`, viewport);
    const screen = await open(`screen-${label}`, `/screen/${gameId}?${hostQuery}`, viewport);
    const { token: playerToken } = await devTokenClient(app.url, "player", `a11y-player-${label}`).then(({ client, token: t }) => {
      client.close();
      return { token: t };
    });
    const player = await open(`player-${label}`, `/play/${gameId}?token=${encodeURIComponent(playerToken)}`, viewport);
    for (const page of [consolePage, screen, player]) await connected(page);
    await waitText(consolePage, "game-code", gameId);
    await waitText(screen, "screen-code", gameId);
    await expectAccessible("lobby", consolePage, screen, player);

    // Claiming: the player alone holds every card, so the player wins. Counts are not announced.
    for (const page of [consolePage, screen, player]) await recordAnnouncements(page);
    expect((await host.openClaims({ gameId, totalSlots: 2, maxPerPlayer: 2 })).ok).toBe(true);
    await waitText(player, "phase", "Claiming open");
    await expectAccessible("claiming", consolePage, screen, player);
    await claimCards(player, 2, 2);
    await waitText(consolePage, "stat-slots-left", "0");
    await expectAccessible("claiming with cards", player);
    for (const page of [consolePage, screen, player]) expect([page.name, await announced(page)]).toEqual([page.name, []]);

    // The round: the live region says each ball, once.
    const line = nextEvent(host.socket, "winners", (message: WinnersMessage) => message.pattern === "line", 60_000);
    expect((await host.startRound(gameId)).ok).toBe(true);
    const draws: number[] = [];
    for (let i = 0; i < 3; i++) {
      const drawn = await host.draw(gameId);
      if (!drawn.ok) throw new Error(drawn.error.code);
      draws.push(drawn.ball);
      await waitText(player, "announcer", `Ball ${draws.length}: ${ballName(drawn.ball)}.`);
    }
    await waitText(screen, "announcer", `Ball 3: ${ballName(draws[2])}.`);
    await waitText(consolePage, "announcer", `Ball 3: ${ballName(draws[2])}.`);
    expect(await announced(screen)).toEqual(draws.map((ball, i) => `Ball ${i + 1}: ${ballName(ball)}.`));
    await expectAccessible("round with balls", consolePage, screen, player);

    // Draw until the line is won: the player's page says "You won", the others name the card.
    let won: WinnersMessage | null = null;
    void line.then((message) => (won = message));
    while (won === null && draws.length < 75) {
      const drawn = await host.draw(gameId);
      if (!drawn.ok) throw new Error(drawn.error.code);
      draws.push(drawn.ball);
      await heard(player, `Ball ${draws.length}: ${ballName(drawn.ball)}.`);
    }
    const award = await line;
    const cards = award.winners.map((winner) => winner.cardId);
    await heard(player, "You won Line on card");
    await heard(screen, cards.length === 1 ? `Line won by card ${cards[0]} on ` : `Line won by 2 cards: ${cards.join(", ")} on `);
    await waitVisible(player, "result-banner");
    await expectAccessible("won", consolePage, screen, player);
    const playerHeard = await announced(player);
    // Each ball once, in order (a ball and the win it brings may share one text).
    const balls = playerHeard.flatMap((text) => [...text.matchAll(/Ball (\d+): /g)].map((m) => Number(m[1])));
    expect(balls).toEqual(balls.map((_, i) => i + 1));
    expect(playerHeard.filter((text) => text.includes("You won"))).toHaveLength(1);
    expect(await byTestId(player.page, "announcer").getAttribute("aria-live")).toBe("polite");

    // Finished with a winner; the record page too.
    expect((await host.endGame(gameId)).ok).toBe(true);
    for (const page of [consolePage, screen, player]) await waitText(page, "phase", "Finished");
    await waitVisible(player, "finished");
    expect(await byTestId(player.page, "record-link").getAttribute("href")).toBe(`/record/${gameId}`);
    expect(await byTestId(consolePage.page, "record-link").getAttribute("href")).toBe(`/record/${gameId}`);
    await waitVisible(screen, "screen-record-row");
    expect(await byTestId(screen.page, "screen-record-link").getAttribute("href")).toBe(`${app.url}/record/${gameId}`);
    await expectAccessible("finished", consolePage, screen, player);
    const record = await open(`record-${label}`, `/record/${gameId}`, viewport);
    await waitVisible(record, "record-body");
    await expectAccessible("record", record);
    await byTestId(record.page, "verify-button").click();
    await waitText(record, "verify-verdict", "✓ Verified: every check holds.");
    await expectAccessible("record verified", record);
    for (const page of [consolePage, screen, player, record]) expect(page.errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
  });
});
