import type { Browser } from "playwright-core";
import type { BingoClient } from "../../shared/client";
import type { E2ePage } from "../support/browser";
import { DESKTOP, PHONE, byTestId, launchBrowser, openPage, waitDisabled, waitText, waitUntil, waitVisible } from "../support/browser";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";
import { devTokenClient } from "../support/dev-tokens";
import { claimCards, connected } from "./pages";

/**
 * Back-to-back games (issue 17, point 5) in real Chromium: the host presses "Next game" on
 * a finished game; the console opens the new game, and a player's page and the presenter
 * screen (also on a 1080p TV) move to it by themselves, URL and all. A page that opens the
 * finished game later is sent on too.
 */

jest.setTimeout(180_000);

const TV = { width: 1920, height: 1080 } as const;
const CODE = /^[A-Z0-9]{8}$/;

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

async function open(name: string, path: string, viewport: { width: number; height: number }): Promise<E2ePage> {
  const page = await openPage(browser, name, `${app.url}${path}`, viewport);
  pages.push(page);
  await connected(page);
  return page;
}

async function shownCode(page: E2ePage, id: string, other: string | null = null): Promise<string> {
  await waitUntil(
    page,
    `a game code other than ${other}`,
    ([sel, not]) => {
      const text = (document.querySelector(sel!)?.textContent ?? "").trim();
      return /^[A-Z0-9]{8}$/.test(text) && text !== not;
    },
    [`[data-testid="${id}"]`, other] as const,
  );
  return ((await byTestId(page.page, id).textContent()) ?? "").trim();
}

/** Waits until the page's address is `path` (the page moved there by itself). */
function atPath(page: E2ePage, path: string): Promise<void> {
  return waitUntil(page, `the address ${path}`, (want) => location.pathname === want, path);
}

describe.each([
  ["desktop", DESKTOP, TV],
  ["phone", PHONE, PHONE],
])("on a %s", (label, viewport, screenViewport) => {
  test("Next game: the console opens it, and the player's page and the presenter screen follow by themselves", async () => {
    const host = await open(`host-next-${label}`, "/host", viewport);
    await byTestId(host.page, "title").fill(`Back to back ${label}`);
    await byTestId(host.page, "currency").fill("usd");
    await byTestId(host.page, "prizes").fill("1.50, 20");
    await byTestId(host.page, "create-button").click();
    const first = await shownCode(host, "game-code");

    await byTestId(host.page, "total-slots").fill("4");
    await byTestId(host.page, "max-per-player").fill("2");
    await byTestId(host.page, "open-button").click();
    await waitText(host, "phase", "Claiming open");
    const player = await open(`player-next-${label}`, `/play/${first}`, viewport);
    await claimCards(player, 1, 1);

    // The presenter screen, opened from the console (it signs in as the host).
    const screenHref = await byTestId(host.page, "screen-link").getAttribute("href");
    // A tab of the console's browser profile: its development identity is the host's.
    const screenPage = await host.context.newPage();
    const stage: E2ePage = { context: host.context, page: screenPage, name: `screen-next-${label}`, errors: [] };
    screenPage.on("pageerror", (error) => stage.errors.push(`pageerror: ${error.message}`));
    await screenPage.setViewportSize(screenViewport);
    await screenPage.goto(new URL(screenHref!, app.url).href);
    await connected(stage);
    await waitText(stage, "screen-code", first);

    await waitDisabled(host, "start-button", false);
    await byTestId(host.page, "start-button").click();
    await waitText(host, "phase", "Round running");
    await byTestId(host.page, "end-button").click();
    await waitVisible(host, "end-confirm");
    await byTestId(host.page, "end-confirm-button").click();
    await waitText(host, "phase", "Finished");

    await (await waitVisible(host, "next-game-button")).click();
    const next = await shownCode(host, "game-code", first);
    expect(next).toMatch(CODE);
    await atPath(host, "/host");
    expect(new URL(host.page.url()).searchParams.get("game")).toBe(next);

    // Everyone on the finished game is on the next one now, without a click.
    await atPath(player, `/play/${next}`);
    await atPath(stage, `/screen/${next}`);
    await waitText(stage, "screen-code", next);
    await waitText(stage, "screen-title", `Back to back ${label}`);
    await waitUntil(player, "the next game's prizes", (sel) => /\$1\.50/.test(document.querySelector(sel)?.textContent ?? ""), "ol.patterns");

    // The next game has the same settings, and the finished one points to it.
    spectator ??= (await devTokenClient(app.url, "player", "next-spectator")).client;
    const joined = await spectator.join(next);
    expect(joined.ok && [joined.game.title, joined.game.currency, joined.game.prizes, joined.game.phase]).toEqual([`Back to back ${label}`, "USD", [150, 2000], "lobby"]);
    const old = await spectator.join(first);
    expect(old.ok && [old.game.phase, old.game.next]).toEqual(["finished", next]);

    // A page that opens the finished game later is sent on as well.
    const late = await openPage(browser, `late-next-${label}`, `${app.url}/play/${first}`, viewport);
    pages.push(late);
    await atPath(late, `/play/${next}`);
    await connected(late);

    expect([...host.errors, ...player.errors, ...stage.errors, ...late.errors]).toEqual([]);
  });
});
