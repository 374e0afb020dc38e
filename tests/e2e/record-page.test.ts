import type { Browser } from "playwright-core";
import type { PublicRecord } from "../../shared/protocol";
import type { E2ePage } from "../support/browser";
import { DESKTOP, PHONE, byTestId, launchBrowser, openPage, texts, waitText, waitVisible } from "../support/browser";
import { nextEvent } from "../support/events";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";

/**
 * The public record page at /record/<gameId>, on a desktop and a phone: a finished game's
 * facts, and the "Verify in your browser" button running the shared verifier
 * (shared/game/verify-record.ts) in Chromium — passing on the real record, failing on one
 * altered on its way to the page. Unknown and unfinished games get a sentence.
 */

jest.setTimeout(180_000);

let browser: Browser;
let app: TestApp;
const pages: E2ePage[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startTestApp({ config: { claimGraceMs: 100 } });
});

afterAll(async () => {
  for (const { context } of pages) await context.close().catch(() => undefined);
  await browser?.close();
  await app?.stop();
});

async function open(name: string, path: string, viewport: { width: number; height: number }): Promise<E2ePage> {
  const page = await openPage(browser, name, `${app.url}${path}`, viewport);
  pages.push(page);
  return page;
}

/** A 75-ball game played to its end (auto-claim wins prizes), and its record as the JSON route serves it. */
async function finishedGame(label: string): Promise<{ gameId: string; record: PublicRecord }> {
  const host = await app.client(`record-host-${label}`, "host");
  const created = await host.createGame({ prizes: [1000, 5000] });
  if (!created.ok) throw new Error(created.error.code);
  const { gameId } = created;
  await host.openClaims({ gameId, totalSlots: 60, maxPerPlayer: 30 });
  for (const sub of ["a", "b"]) {
    const player = await app.client(`record-${sub}-${label}`, "player");
    await player.join(gameId);
    await player.claim(gameId, 30);
  }
  await host.join(gameId);
  const called = nextEvent(host.socket, "bingo:called", (m) => m.gameId === gameId);
  await host.startRound(gameId);
  for (let i = 0; i < 45; i++) await host.request("round:draw", { gameId });
  await called;
  await host.endGame(gameId);
  const record = (await (await fetch(`${app.url}/api/games/${gameId}/record`)).json()) as PublicRecord;
  return { gameId, record };
}

describe.each([
  ["desktop", DESKTOP],
  ["phone", PHONE],
])("the record page on a %s", (label, viewport) => {
  test("shows a finished game's commitment, seed, draws and winners, and verifies it in the browser", async () => {
    const { gameId, record } = await finishedGame(label);
    expect(record.awards.length).toBeGreaterThan(0);
    const page = await open(`record-${label}`, `/record/${gameId}`, viewport);
    await waitVisible(page, "record-body");
    await waitText(page, "record-game", gameId);
    await waitText(page, "record-commitment", record.commitment);
    await waitText(page, "record-seed", record.seed);
    await waitText(page, "record-draw-count", `${record.draws.length} balls drawn, in this order:`);
    const draws = await byTestId(page.page, "record-draws", "record-draw").evaluateAll((items) => items.map((item) => Number((item as HTMLElement).dataset.ball)));
    expect(draws).toEqual(record.draws);
    const winners = await byTestId(page.page, "record-prizes", "record-winner").evaluateAll((items) =>
      items.map((item) => ({ cardId: Number((item as HTMLElement).dataset.cardId), ballIndex: Number((item as HTMLElement).dataset.ballIndex) })),
    );
    expect(winners).toEqual(record.awards.flatMap((award) => award.winners.map((w) => ({ cardId: w.cardId, ballIndex: award.ballIndex }))));
    const prizeTexts = await texts(page.page, "record-prizes", "record-prize");
    expect(prizeTexts).toHaveLength(record.patterns.length);
    expect(prizeTexts[0]).toContain(`Won on ball #${record.awards[0].ballIndex + 1}`);
    expect(await byTestId(page.page, "record-json").getAttribute("href")).toBe(`/api/games/${gameId}/record`);

    await byTestId(page.page, "verify-button").click();
    await waitText(page, "verify-verdict", "✓ Verified: every check holds.");
    const checks = await byTestId(page.page, "verify-checks", "verify-check").evaluateAll((items) =>
      items.map((item) => [(item as HTMLElement).dataset.check, (item as HTMLElement).dataset.ok]),
    );
    expect(checks).toEqual(["variant", "commitment", "draws", "cards", "patterns", "awards", "times", "calls"].map((check) => [check, "true"]));
    // Nothing overflows sideways on a phone (the 64-character seed and commitment wrap).
    expect(await page.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    expect(page.errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);

    // The same page given a record with two draws swapped: the button names what fails.
    const altered = structuredClone(record);
    [altered.draws[0], altered.draws[1]] = [altered.draws[1], altered.draws[0]];
    const tampered = await openPage(browser, `record-tampered-${label}`, `${app.url}/record/${gameId}`, viewport, async (target) => {
      await target.route(`**/api/games/${gameId}/record`, (route) => route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(altered) }));
    });
    pages.push(tampered);
    await waitVisible(tampered, "record-body");
    await byTestId(tampered.page, "verify-button").click();
    await waitText(tampered, "verify-verdict", "✗ Not verified: at least one check fails.");
    const draw = byTestId(tampered.page, "verify-checks").locator('[data-check="draws"]');
    expect(await draw.getAttribute("data-ok")).toBe("false");
    expect(await draw.textContent()).toContain("The draws are not the seed's draw order at 2 position(s)");
    expect(await byTestId(tampered.page, "verify-checks").locator('[data-check="commitment"]').getAttribute("data-ok")).toBe("true");
  });

  test("says in a sentence when the game is unknown or not finished", async () => {
    const unknown = await open(`record-unknown-${label}`, "/record/NOSUCHGAME", viewport);
    await waitVisible(unknown, "record-notice");
    await waitText(unknown, "record-notice", "There is no game with the code NOSUCHGAME.");
    expect(await byTestId(unknown.page, "record-body").isVisible()).toBe(false);

    const host = await app.client(`record-lobby-${label}`, "host");
    const created = await host.createGame({});
    if (!created.ok) throw new Error(created.error.code);
    const lobby = await open(`record-lobby-${label}`, `/record/${created.gameId}`, viewport);
    await waitText(lobby, "record-notice", `Game ${created.gameId} has not finished yet. Its record is published here when the game ends.`);
    expect(lobby.errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
  });
});
