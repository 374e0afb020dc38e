import type { Browser } from "playwright-core";
import type { BingoClient } from "../../shared/client";
import type { GameSnapshot } from "../../shared/protocol";
import type { E2ePage } from "../support/browser";
import { DESKTOP, PHONE, byTestId, launchBrowser, openPage, waitCount, waitDisabled, waitText, waitUntil, waitVisible } from "../support/browser";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";
import { devTokenClient } from "../support/dev-tokens";
import { claimCards, connected } from "./pages";

/**
 * The console's safety rails and the joining path, in real Chromium on a desktop and on a
 * phone: codes typed in lower case, the claim window reopened as it was, the auto-draw
 * interval in seconds, refusals in plain words, and End game that asks first.
 */

jest.setTimeout(180_000);

let browser: Browser;
let app: TestApp;
const pages: E2ePage[] = [];
let spectator: BingoClient | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startTestApp({ devMode: true });
});

afterAll(async () => {
  spectator?.close();
  for (const { context } of pages) await context.close().catch(() => undefined);
  await browser?.close();
  await app?.stop();
});

async function snapshot(gameId: string): Promise<GameSnapshot> {
  spectator ??= (await devTokenClient(app.url, "player", "rails-spectator")).client;
  const joined = await spectator.join(gameId);
  if (!joined.ok) throw new Error(`spectator join: ${joined.error.code}`);
  return joined.game;
}

async function open(name: string, path: string, viewport: { width: number; height: number }): Promise<E2ePage> {
  const page = await openPage(browser, name, `${app.url}${path}`, viewport);
  pages.push(page);
  await connected(page);
  return page;
}

/** Creates a game in the console and returns its code. */
async function createGame(host: E2ePage, title: string): Promise<string> {
  await byTestId(host.page, "title").fill(title);
  await byTestId(host.page, "create-button").click();
  await waitUntil(host, "a game code", (sel) => /^[A-Z0-9]{8}$/.test((document.querySelector(sel)?.textContent ?? "").trim()), '[data-testid="game-code"]');
  return ((await byTestId(host.page, "game-code").textContent()) ?? "").trim();
}

describe.each([
  ["desktop", DESKTOP],
  ["phone", PHONE],
])("on a %s", (label, viewport) => {
  test("a player types the game code in lower case and joins", async () => {
    const host = await open(`host-code-${label}`, "/host", DESKTOP);
    const gameId = await createGame(host, `Codes ${label}`);
    await byTestId(host.page, "total-slots").fill("5");
    await byTestId(host.page, "max-per-player").fill("2");
    await byTestId(host.page, "open-button").click();
    await waitText(host, "phase", "Claiming open");

    const player = await open(`player-code-${label}`, "/", viewport);
    await byTestId(player.page, "game-code").fill(gameId.toLowerCase());
    await byTestId(player.page, "join-button").click();
    await claimCards(player, 1, 1);
    expect((await snapshot(gameId)).slots.remaining).toBe(4);
    // The console counts players: the host's own page (and the test's reader) are not players.
    await waitText(host, "stat-connected", "2");
    spectator?.close();
    spectator = undefined;
    await waitText(host, "stat-connected", "1");
  });

  test("the console reopens the claim window with the figures it had, takes seconds, and names refusals in plain words", async () => {
    const host = await open(`host-rails-${label}`, "/host", viewport);
    const gameId = await createGame(host, `Rails ${label}`);
    // No claim window yet: no count, rather than "0 of 0".
    await waitText(host, "stat-slots-left", "–");
    await byTestId(host.page, "total-slots").fill("7");
    await byTestId(host.page, "max-per-player").fill("3");
    await byTestId(host.page, "open-button").click();
    await waitText(host, "phase", "Claiming open");
    // The total stays what the host opened with (it used to turn into 1 once claims opened).
    await waitUntil(host, "total-slots to show 7", (sel) => document.querySelector<HTMLInputElement>(sel)?.value === "7", '[data-testid="total-slots"]');
    const player = await open(`player-rails-${label}`, `/play/${gameId}`, viewport);
    await claimCards(player, 2, 2);

    await byTestId(host.page, "close-button").click();
    await waitText(host, "phase", "Waiting");
    // Reopening as it was: no editing, no refusal.
    await waitDisabled(host, "open-button", false);
    await byTestId(host.page, "open-button").click();
    await waitText(host, "phase", "Claiming open");
    expect((await byTestId(host.page, "error").textContent())?.trim()).toBe("");
    expect(await snapshot(gameId)).toMatchObject({ phase: "claiming", maxPerPlayer: 3, slots: { total: 7, remaining: 5 } });

    // A total below the cards already granted is refused by the server: said in plain words.
    await byTestId(host.page, "close-button").click();
    await waitText(host, "phase", "Waiting");
    await waitDisabled(host, "open-button", false);
    await byTestId(host.page, "total-slots").fill("1");
    await byTestId(host.page, "open-button").click();
    await waitText(host, "error", "That was not accepted: check the values and try again.");
    expect(await byTestId(host.page, "error").getAttribute("data-code")).toBe("BAD_REQUEST");

    await byTestId(host.page, "start-button").click();
    await waitText(host, "phase", "Round running");
    // Seconds, not milliseconds: 0.1 s is refused by the page, 0.5 s is 500 ms on the server.
    await byTestId(host.page, "auto-interval").fill("0.1");
    await byTestId(host.page, "auto-button").click();
    await waitText(host, "error", "Auto-draw interval must be between 0.25 and 600 seconds.");
    await byTestId(host.page, "auto-interval").fill("0.5");
    await byTestId(host.page, "auto-button").click();
    await waitText(host, "auto-button", "Stop auto-draw");
    expect((await snapshot(gameId)).round.autoIntervalMs).toBe(500);
    await byTestId(host.page, "auto-button").click();
    await waitText(host, "auto-button", "Start auto-draw");
  });

  test("the same link in a new tab of the same browser is the same player, with the same cards", async () => {
    const host = await open(`host-tabs-${label}`, "/host", DESKTOP);
    const gameId = await createGame(host, `Tabs ${label}`);
    await byTestId(host.page, "total-slots").fill("5");
    await byTestId(host.page, "max-per-player").fill("3");
    await byTestId(host.page, "open-button").click();
    await waitText(host, "phase", "Claiming open");
    const first = await open(`player-tab-1-${label}`, `/play/${gameId}`, viewport);
    await claimCards(first, 2, 2);
    const tab = await first.context.newPage();
    await tab.goto(`${app.url}/play/${gameId}`, { waitUntil: "load" });
    const second: E2ePage = { context: first.context, page: tab, name: `player-tab-2-${label}`, errors: [] };
    await connected(second);
    await waitCount(second, ["cards", "card"], 2);
    expect((await snapshot(gameId)).slots.remaining).toBe(3);
  });

  test("End game asks first and names every prize still unawarded; keeping on changes nothing", async () => {
    const host = await open(`host-end-${label}`, "/host", viewport);
    await byTestId(host.page, "prizes").fill("2.50, 40");
    const gameId = await createGame(host, `End ${label}`);
    const player = await open(`player-end-${label}`, `/play/${gameId}`, viewport);
    await waitText(player, "slots-left", "–");
    await waitText(player, "slots-total", "–");
    // Nobody holds a card: the round cannot start, and the console says why.
    await waitDisabled(host, "start-button", true);
    expect(await byTestId(host.page, "round-hint").textContent()).toMatch(/^Nobody holds a card yet/);
    await byTestId(host.page, "end-button").click();
    await waitVisible(host, "end-confirm");
    const question = (await byTestId(host.page, "end-confirm-text").textContent()) ?? "";
    expect(question).toContain("Line (€2.50) and Full house (€40.00)");
    expect(question).toContain("nothing is won yet");
    await byTestId(host.page, "end-keep").click();
    expect(await byTestId(host.page, "end-confirm").isVisible()).toBe(false);
    expect((await snapshot(gameId)).phase).toBe("lobby");

    await byTestId(host.page, "end-button").click();
    await byTestId(host.page, "end-confirm-button").click();
    await waitText(host, "phase", "Finished");
    expect((await snapshot(gameId)).phase).toBe("finished");
  });
});
