import type { Browser } from "playwright-core";
import type { BingoClient } from "../../shared/client";
import type { WinnersMessage } from "../../shared/protocol";
import { nextEvent } from "../support/events";
import type { E2ePage } from "../support/browser";
import { DESKTOP, PHONE, byTestId, launchBrowser, openPage, screenshot, texts, waitText, waitUntil, waitVisible } from "../support/browser";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";
import { devTokenClient } from "../support/dev-tokens";
import { connected, SEED, waitSeed } from "./pages";

/**
 * The presenter screen at /screen/<gameId>, on a 1080p TV, a desktop and a phone: it follows
 * a whole game driven through the SDK, read-only, and fits its screen.
 */

jest.setTimeout(180_000);

const TV = { width: 1920, height: 1080 } as const;

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

async function devClient(role: "host" | "player", sub: string): Promise<{ client: BingoClient; token: string }> {
  const signedIn = await devTokenClient(app.url, role, sub);
  clients.push(signedIn.client);
  return signedIn;
}

/** The stage fits its viewport: nothing scrolls, on a TV as on a phone. */
async function fitsViewport(page: E2ePage): Promise<void> {
  const overflow = await page.page.evaluate(() => ({
    x: document.documentElement.scrollWidth - window.innerWidth,
    y: document.documentElement.scrollHeight - window.innerHeight,
  }));
  expect(overflow.x).toBeLessThanOrEqual(0);
  if (page.name.includes("tv") || page.name.includes("desktop")) expect(overflow.y).toBeLessThanOrEqual(0);
}

describe.each([
  ["tv", TV],
  ["desktop", DESKTOP],
  ["phone", PHONE],
])("the presenter screen on a %s", (label, viewport) => {
  test("shows the count while claiming, the latest ball large with the ones before it, each award, and the seed at the end", async () => {
    const { client: host, token } = await devClient("host", `screen-host-${label}`);
    const created = await host.createGame({ title: `Screen ${label}`, prizes: [1000, 5000] });
    if (!created.ok) throw new Error(created.error.code);
    const { gameId } = created;
    expect((await host.join(gameId)).ok).toBe(true);

    const screen = await openPage(browser, `screen-${label}`, `${app.url}/screen/${gameId.toLowerCase()}?token=${encodeURIComponent(token)}`, viewport);
    pages.push(screen);
    await connected(screen);
    await waitText(screen, "screen-code", gameId);
    await waitText(screen, "screen-title", `Screen ${label}`);
    expect(((await byTestId(screen.page, "screen-commitment").textContent()) ?? "").trim()).toBe(created.commitment);
    expect(await byTestId(screen.page, "screen-count").isVisible()).toBe(false);

    // Claiming: the live count, falling.
    expect((await host.openClaims({ gameId, totalSlots: 6, maxPerPlayer: 3 })).ok).toBe(true);
    await waitText(screen, "screen-slots-left", "6");
    const players = await Promise.all([devClient("player", `screen-a-${label}`), devClient("player", `screen-b-${label}`)]);
    for (const { client } of players) {
      expect((await client.join(gameId)).ok).toBe(true);
      expect((await client.claim(gameId, 3)).ok).toBe(true);
    }
    await waitText(screen, "screen-slots-left", "0");

    // The round: every ball, so both prizes are won (the players' auto-claim calls them).
    const fullHouse = nextEvent(host.socket, "winners", (message: WinnersMessage) => message.pattern === "full-house", 60_000);
    // The last prize won ends the game by itself.
    const finished = nextEvent(host.socket, "game:finished", undefined, 60_000);
    expect((await host.startRound(gameId)).ok).toBe(true);
    await waitUntil(screen, "the count to go once claiming is over", (sel) => document.querySelector<HTMLElement>(sel)?.hidden === true, '[data-testid="screen-count"]');
    const draws: number[] = [];
    for (let i = 0; i < 75; i++) {
      const drawn = await host.draw(gameId);
      if (!drawn.ok) break;
      draws.push(drawn.ball);
    }
    const award = await fullHouse;
    const last = draws[draws.length - 1];
    const letter = "BINGO"[Math.floor((last - 1) / 15)];
    await waitText(screen, "screen-ball", `${letter} ${last}`);
    await waitText(screen, "screen-caption", `Ball ${draws.length} of 75`);
    expect((await texts(screen.page, "screen-recent-ball")).map(Number)).toEqual(draws.slice(-9, -1).reverse());
    const cards = award.winners.map((winner) => winner.cardId);
    const shared = `Full house! ${cards.length} cards share it: ${cards.join(", ")}, each €${((award.prizeEach) / 100).toFixed(2)}`;
    await waitText(screen, "screen-announce", cards.length === 1 ? `Full house! Card ${cards[0]} wins €50.00` : shared);
    await fitsViewport(screen);
    // Readable from across the room: on the TV the ball's number is more than a tenth of the screen's height.
    if (label === "tv") {
      const size = await byTestId(screen.page, "screen-ball").evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      expect(size).toBeGreaterThan(TV.height / 10);
      await screenshot(screen.page, "presenter-screen");
    }

    // The end: the revealed seed.
    const { seed } = await finished;
    expect(seed).toMatch(SEED);
    await waitVisible(screen, "screen-seed-row");
    expect(await waitSeed(screen, "screen-seed")).toBe(seed);
    await waitText(screen, "phase", "Finished");
    expect(screen.errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
  });
});
