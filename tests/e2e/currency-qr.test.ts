import jsQR from "jsqr";
import type { Browser } from "playwright-core";
import type { BingoClient } from "../../shared/client";
import type { E2ePage } from "../support/browser";
import { DESKTOP, PHONE, byTestId, launchBrowser, openPage, waitUntil, waitVisible } from "../support/browser";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";
import { devTokenClient } from "../support/dev-tokens";
import { connected } from "./pages";

/**
 * Issue 17, points 2 and 3 in real Chromium on a desktop and a phone: the host picks the
 * game's currency (typed in lower case) and every page shows the prizes in it; the console
 * shows the player link as a QR code that decodes, pixel for pixel, to that link.
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

async function open(name: string, path: string, viewport: { width: number; height: number }): Promise<E2ePage> {
  const page = await openPage(browser, name, `${app.url}${path}`, viewport);
  pages.push(page);
  await connected(page);
  return page;
}

/** The QR code's pixels as the page draws them: the console's SVG rasterised on a canvas. */
async function qrPixels(host: E2ePage): Promise<{ width: number; height: number; data: number[] }> {
  return host.page.evaluate(async () => {
    const svg = document.querySelector('[data-testid="player-qr-code"]') as SVGSVGElement;
    const size = 240;
    const image = new Image(size, size);
    const markup = new XMLSerializer().serializeToString(svg);
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = size;
    canvas.height = size;
    const context = canvas.getContext("2d")!;
    context.fillStyle = "#fff";
    context.fillRect(0, 0, size, size);
    context.drawImage(image, 0, 0, size, size);
    return { width: size, height: size, data: Array.from(context.getImageData(0, 0, size, size).data) };
  });
}

describe.each([
  ["desktop", DESKTOP],
  ["phone", PHONE],
])("on a %s", (label, viewport) => {
  test("the host creates a game in yen: the console and the player app show ¥ amounts with no decimals", async () => {
    const host = await open(`host-currency-${label}`, "/host", viewport);
    await byTestId(host.page, "title").fill(`Yen ${label}`);
    await byTestId(host.page, "currency").fill("jpy");
    await byTestId(host.page, "prizes").fill("500, 3000");
    await byTestId(host.page, "create-button").click();
    await waitUntil(host, "a game code", (sel) => /^[A-Z0-9]{8}$/.test((document.querySelector(sel)?.textContent ?? "").trim()), '[data-testid="game-code"]');
    const gameId = ((await byTestId(host.page, "game-code").textContent()) ?? "").trim();
    // The server has the game in JPY, with the amounts as typed (JPY has no minor digits).
    spectator ??= (await devTokenClient(app.url, "player", "currency-spectator")).client;
    const joined = await spectator.join(gameId);
    expect(joined.ok && [joined.game.currency, joined.game.prizes]).toEqual(["JPY", [500, 3000]]);

    const prizes = (page: E2ePage) => page.page.locator("ol.patterns").first().innerText();
    await waitUntil(host, "the prizes in yen", (sel) => /¥\s?500/.test(document.querySelector(sel)?.textContent ?? ""), "ol.patterns");
    expect(await prizes(host)).toMatch(/¥\s?3,000/);
    expect(await prizes(host)).not.toMatch(/\.00/);

    const player = await open(`player-currency-${label}`, `/play/${gameId}`, viewport);
    await waitUntil(player, "the prizes in yen", (sel) => /¥\s?500/.test(document.querySelector(sel)?.textContent ?? ""), "ol.patterns");
    expect(await prizes(player)).toMatch(/¥\s?3,000/);
    expect([...host.errors, ...player.errors]).toEqual([]);
  });

  test("an unknown currency code is refused in the form and no game is made", async () => {
    const host = await open(`host-currency-bad-${label}`, "/host", viewport);
    await byTestId(host.page, "currency").fill("XYZ");
    await byTestId(host.page, "create-button").click();
    await waitUntil(host, "the currency message", (sel) => /Currency: a three-letter ISO 4217 code/.test(document.querySelector(sel)?.textContent ?? ""), '[data-testid="error"]');
    expect(await byTestId(host.page, "console").isHidden()).toBe(true);
  });

  test("the console shows the player link as a QR code that decodes to that link", async () => {
    const host = await open(`host-qr-${label}`, "/host", viewport);
    await byTestId(host.page, "title").fill(`QR ${label}`);
    await byTestId(host.page, "create-button").click();
    const qr = await waitVisible(host, "player-qr-code");
    await qr.scrollIntoViewIfNeeded();
    const box = await qr.boundingBox();
    // Big enough to scan off a screen, and inside the viewport's width.
    expect(box!.width).toBeGreaterThanOrEqual(120);
    expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
    const link = await byTestId(host.page, "player-link").getAttribute("href");
    const href = await host.page.evaluate((a) => new URL(a!, location.href).href, link);
    expect(href).toMatch(new RegExp(`^${app.url}/play/[A-Z0-9]{8}$`));
    const { width, height, data } = await qrPixels(host);
    const decoded = jsQR(Uint8ClampedArray.from(data), width, height);
    expect(decoded?.data).toBe(href);
    expect(host.errors).toEqual([]);
  });
});
