import { readFile } from "node:fs/promises";
import type { Browser } from "playwright-core";
import type { E2ePage } from "../support/browser";
import { DESKTOP, PHONE, byTestId, launchBrowser, openPage, tid, waitCount, waitText, waitUntil } from "../support/browser";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";
import { claimCards, connected } from "./pages";

/**
 * Player names in real Chromium on a desktop and on a phone: the player names themselves,
 * the host sees the name in the player list and among the winners, and the export buttons
 * download the winners as CSV and JSON.
 */

jest.setTimeout(180_000);

let browser: Browser;
let app: TestApp;
const pages: E2ePage[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startTestApp({ devMode: true, config: { tickMs: 10, claimGraceMs: 100 } });
});

afterAll(async () => {
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

describe.each([
  ["desktop", DESKTOP],
  ["phone", PHONE],
])("on a %s", (label, viewport) => {
  test("a player picks a name; the host sees it in the player list and on the winners list, and downloads the winners", async () => {
    const host = await open(`host-names-${label}`, "/host", viewport);
    await byTestId(host.page, "title").fill(`Names ${label}`);
    await byTestId(host.page, "create-button").click();
    await waitUntil(host, "a game code", (sel) => /^[A-Z0-9]{8}$/.test((document.querySelector(sel)?.textContent ?? "").trim()), tid("game-code"));
    const gameId = ((await byTestId(host.page, "game-code").textContent()) ?? "").trim();
    await byTestId(host.page, "total-slots").fill("6");
    await byTestId(host.page, "max-per-player").fill("6");
    await byTestId(host.page, "open-button").click();
    await waitText(host, "phase", "Claiming open");

    const name = `Zoë ${label}`;
    const player = await open(`player-names-${label}`, `/play/${gameId}`, viewport);
    // A name the rules refuse is explained, and not saved.
    await byTestId(player.page, "name-input").fill("x".repeat(25));
    await byTestId(player.page, "name-save").click();
    await waitUntil(player, "the refusal", (sel) => /another name/.test(document.querySelector(sel)?.textContent ?? ""), tid("name-status"));
    await byTestId(player.page, "name-input").fill(`  ${name} `);
    await byTestId(player.page, "name-save").click();
    await waitText(player, "name-status", `You play as ${name}.`);
    await claimCards(player, 6, 6);

    await host.page.locator(`${tid("players-panel")} summary`).click();
    await waitCount(host, ["players", "player-row"], 1);
    const row = byTestId(host.page, "players", "player-row");
    await waitUntil(host, "the player's name", ([sel, n]) => document.querySelector(sel)?.textContent === n, [`${tid("players", "player-row")} .player-name`, name] as const);
    expect(await row.locator(".player-cards").textContent()).toBe("6");
    expect(await row.getAttribute("data-presence")).toBe("connected");

    await byTestId(host.page, "start-button").click();
    await waitText(host, "phase", "Round running");
    await byTestId(host.page, "auto-interval").fill("0.25");
    await byTestId(host.page, "auto-button").click();
    // Auto-claim is on: the first line goes to this player, by name.
    await waitUntil(host, "a winner named", ([sel, n]) => Array.from(document.querySelectorAll(sel)).some((li) => li.textContent?.includes(`(${n})`)), [tid("winners", "winner"), name] as const);
    await waitUntil(player, "a winner named", ([sel, n]) => Array.from(document.querySelectorAll(sel)).some((li) => li.textContent?.includes(`(${n})`)), [tid("winners", "winner"), name] as const);
    await byTestId(host.page, "players-refresh").click();
    await waitUntil(host, "the win in the player list", (sel) => /Line \(card \d+/.test(document.querySelector(sel)?.textContent ?? ""), `${tid("players", "player-row")} .player-won`);

    const [csvDownload] = await Promise.all([host.page.waitForEvent("download"), byTestId(host.page, "export-csv").click()]);
    expect(csvDownload.suggestedFilename()).toBe(`winners-${gameId}.csv`);
    const csv = await readFile((await csvDownload.path())!, "utf8");
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe("pattern,prize,name,player_id,card_id,ball_index,ball");
    expect(lines[1]).toMatch(new RegExp(`^"line",\\d+,"${name}","[^"]+",\\d+,\\d+,\\d+$`));

    const [jsonDownload] = await Promise.all([host.page.waitForEvent("download"), byTestId(host.page, "export-json").click()]);
    const json = JSON.parse(await readFile((await jsonDownload.path())!, "utf8")) as { gameId: string; winners: { pattern: string; name: string }[] };
    expect(json.gameId).toBe(gameId);
    expect(json.winners[0]).toEqual(expect.objectContaining({ pattern: "line", name }));
    expect([...host.errors, ...player.errors]).toEqual([]);
  });
});
