import type { Browser } from "playwright-core";
import type { BingoClient } from "../../shared/client";
import type { E2ePage } from "../support/browser";
import { PHONE, byTestId, launchBrowser, openPage, waitText, waitUntil } from "../support/browser";
import { devTokenClient } from "../support/dev-tokens";
import { RawWebSocket } from "../support/raw-websocket";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";
import { connected } from "./pages";

/**
 * Issue 15: at a show's start everyone opens the player app at once and the nodes are busy.
 * The page keeps trying for as long as it takes; past SLOW_CONNECT_MS (10 s) it says it is
 * still connecting (it used to give up at 10 s with "Cannot reach the game server" and
 * stop), and it plays as soon as a place is free. Here the node's one handshake place
 * (MAX_HANDSHAKES=1) is held by a connection that never finishes its handshake.
 */

jest.setTimeout(120_000);

let browser: Browser;
let app: TestApp;
const clients: BingoClient[] = [];
const pages: E2ePage[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startTestApp({ devMode: true, config: { maxHandshakes: 1, handshakeTimeoutMs: 60_000 } });
});

afterAll(async () => {
  for (const client of clients) client.close();
  for (const { context } of pages) await context.close().catch(() => undefined);
  await browser?.close();
  await app?.stop();
});

test("a player page kept waiting by a busy node says it is still connecting, then plays", async () => {
  const { client: host } = await devTokenClient(app.url, "host", "busy-host");
  clients.push(host);
  const created = await host.createGame({ title: "Busy start" });
  if (!created.ok) throw new Error(created.error.code);
  const { client: player, token } = await devTokenClient(app.url, "player", "busy-player");
  player.close();

  const holder = await RawWebSocket.open(app.url);
  try {
    const page = await openPage(browser, "busy-player", `${app.url}/play/${created.gameId}?token=${encodeURIComponent(token)}`, PHONE);
    pages.push(page);
    await waitUntil(
      page,
      "the page to say it is still connecting",
      (sel) => (document.querySelector(sel)?.textContent ?? "").startsWith("Still connecting"),
      '[data-testid="notice"]',
    );
    expect(await byTestId(page.page, "connection").getAttribute("data-state")).not.toBe("connected");

    holder.close();
    await connected(page);
    await waitText(page, "phase", "Waiting");
    expect(await byTestId(page.page, "notice").isHidden()).toBe(true);
  } finally {
    holder.close();
  }
});
