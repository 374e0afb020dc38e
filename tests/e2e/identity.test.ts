import type { Browser } from "playwright-core";
import { BingoClient } from "../../shared/client";
import { ok } from "../support/acks";
import type { E2ePage } from "../support/browser";
import { PHONE, launchBrowser, openPage, waitConnection, waitText } from "../support/browser";
import type { IssuerKey, JwksServer } from "../support/jwks-server";
import { issuerKey, mint, startJwksServer } from "../support/jwks-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";
import { claimCards, connected } from "./pages";

/**
 * The player page signs in through an identity provider (JWKS): opened with a provider's
 * token in `?token=`, and embedded in an app that hands it a token provider
 * (`window.bingoTokenProvider`, installed before the page script runs) which it asks again
 * on every reconnect. The node accepts provider tokens only: no AUTH_SECRET, no dev tokens.
 */

jest.setTimeout(300_000);

const ISSUER = "https://login.bingo.test/";
const AUDIENCE = "bingo-e2e";

let jwks: JwksServer;
let key: IssuerKey;
let app: TestApp;
let browser: Browser;
const clients: BingoClient[] = [];
const pages: E2ePage[] = [];

beforeAll(async () => {
  key = await issuerKey("RS256");
  jwks = await startJwksServer([key]);
  app = await startTestApp({
    config: {
      authSecret: undefined,
      devTokens: false,
      jwks: { url: jwks.url, algorithms: ["RS256", "ES256"], issuer: ISSUER, audience: AUDIENCE, timeoutMs: 5000 },
      roles: { claim: "role", hostSubjects: [] },
    },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const client of clients) client.close();
  for (const page of pages) await page.context.close().catch(() => undefined);
  await browser?.close();
  await app?.stop();
  await jwks?.stop();
});

const providerToken = (sub: string, role?: "host"): Promise<string> => mint(key, { issuer: ISSUER, audience: AUDIENCE, sub, claims: role ? { role } : {} });

/** A game with claims open, created by a host signed in with a provider token. */
async function openGame(title: string): Promise<string> {
  const host = await BingoClient.connect({ url: app.url, token: await providerToken(`host-${title}`, "host") });
  clients.push(host);
  const { gameId } = ok(await host.createGame({ title, variant: 75 }), "create");
  ok(await host.openClaims({ gameId, totalSlots: 10, maxPerPlayer: 4 }), "open");
  return gameId;
}

test("a player page opened with a JWKS-signed ?token= joins the game and claims", async () => {
  const gameId = await openGame("JWKS token show");
  const token = await providerToken("jwks-page-player");
  const player = await openPage(browser, "player", `${app.url}/play/${gameId}?token=${encodeURIComponent(token)}`, PHONE);
  pages.push(player);
  await connected(player);
  await waitText(player, "slots-left", "10");
  await claimCards(player, 2, 2);
  await waitText(player, "slots-left", "8");
  expect(player.errors).toEqual([]);
});

test("an embedded page signs in with the app's window.bingoTokenProvider and asks it again when it reconnects", async () => {
  const gameId = await openGame("Embedded show");
  const handedOut: string[] = [];
  const player = await openPage(browser, "embedded player", `${app.url}/play/${gameId}`, PHONE, async (page) => {
    // The embedding app: a binding to its sign-in (here the test's issuer), and the provider
    // defined at document start, before the page's own script.
    await page.exposeFunction("appIdToken", async () => {
      const token = await providerToken("embedded-player");
      handedOut.push(token);
      return token;
    });
    await page.addInitScript(() => {
      (window as unknown as { bingoTokenProvider: () => Promise<string> }).bingoTokenProvider = () =>
        (window as unknown as { appIdToken: () => Promise<string> }).appIdToken();
    });
  });
  pages.push(player);
  let devTokenRequests = 0;
  player.page.on("request", (request) => {
    if (request.url().includes("/api/dev/token")) devTokenRequests++;
  });
  await connected(player);
  await claimCards(player, 1, 1);
  await waitText(player, "slots-left", "9");
  const atFirstConnect = handedOut.length;
  expect(atFirstConnect).toBeGreaterThanOrEqual(1);

  // The node drops the page's connection (as a node restart or a network change would): the
  // page reconnects on its own, with a token it asked the provider for again.
  const [socket] = [...app.io.of("/").sockets.values()].filter((s) => s.data.sub === "embedded-player");
  socket.conn.close();
  await waitConnection(player, "reconnecting");
  await connected(player);
  expect(handedOut.length).toBeGreaterThan(atFirstConnect);
  await claimCards(player, 1, 2);
  await waitText(player, "slots-left", "8");
  expect(devTokenRequests).toBe(0);
  expect(player.errors).toEqual([]);
});
