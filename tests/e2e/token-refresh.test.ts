import type { Browser } from "playwright-core";
import { BingoClient } from "../../shared/client";
import type { E2ePage } from "../support/browser";
import { PHONE, launchBrowser, openPage, waitConnection, waitText } from "../support/browser";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";
import { claimCards, connected, shownCardIds } from "./pages";

/**
 * A player page outlives its development tokens: with tokens capped at a few seconds, the
 * server cuts the page's socket at each token's exp (session:expired), and the page fetches
 * a fresh token through the Socket.IO auth callback and carries on with the same cards.
 */

jest.setTimeout(300_000);

const TOKEN_TTL_S = 5;

let redis: TestRedis;
let app: TestApp;
let browser: Browser;
let host: BingoClient | undefined;
let player: E2ePage | undefined;

beforeAll(async () => {
  redis = await startRedis();
  app = await startTestApp({ redisUrl: redis.url, devMode: true, config: { maxTokenTtlSeconds: TOKEN_TTL_S } });
  browser = await launchBrowser();
});

afterAll(async () => {
  host?.close();
  await player?.context.close().catch(() => undefined);
  await browser?.close();
  await app?.stop();
  await redis?.stop();
});

/** A provider of development tokens for one identity, as an operator's app would hand over its own. */
function devTokens(role: "player" | "host", sub: string): () => Promise<string> {
  return async () => {
    const response = await fetch(`${app.url}/api/dev/token`, { method: "POST", body: JSON.stringify({ role, sub }) });
    return ((await response.json()) as { token: string }).token;
  };
}

test("a player page reconnects with fresh dev tokens each time its token expires, and keeps its cards", async () => {
  host = await BingoClient.connect({ url: app.url, token: devTokens("host", "e2e-refresh-host") });
  const created = await host.createGame({ title: "Refresh show", variant: 75 });
  if (!created.ok) throw new Error(`create: ${JSON.stringify(created)}`);
  const { gameId } = created;
  const opened = await host.openClaims({ gameId, totalSlots: 10, maxPerPlayer: 4 });
  if (!opened.ok) throw new Error(`open: ${JSON.stringify(opened)}`);

  player = await openPage(browser, "player", `${app.url}/play/${gameId}`, PHONE);
  let tokenRequests = 0;
  player.page.on("request", (request) => {
    if (request.url().endsWith("/api/dev/token")) tokenRequests++;
  });
  await connected(player);
  await waitText(player, "slots-left", "10");
  await claimCards(player, 2, 2);
  await waitText(player, "slots-left", "8");
  const cards = await shownCardIds(player);

  // The token runs out: the page is cut, shows it is reconnecting, and is back on its own.
  const before = tokenRequests;
  await waitConnection(player, "reconnecting");
  await connected(player);
  expect(tokenRequests).toBeGreaterThan(before);

  await claimCards(player, 1, 3);
  await waitText(player, "slots-left", "7");
  expect((await shownCardIds(player)).slice(0, 2)).toEqual(cards);
  expect(player.errors).toEqual([]);
});
