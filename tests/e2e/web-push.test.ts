import type { Browser, CDPSession } from "playwright-core";
import { Redis } from "ioredis";
import { BingoClient } from "../../shared/client";
import type { WebPushSettings } from "../../shared/protocol";
import { FcmPushSender } from "../../server/push/fcm-sender";
import { ok } from "../support/acks";
import type { E2ePage } from "../support/browser";
import { PHONE, WAIT_MS, launchBrowser, waitText, waitUntil } from "../support/browser";
import type { FakeFcm, FakeFcmMessaging } from "../support/fake-fcm";
import { fakeFcmMessaging, startFakeFcm } from "../support/fake-fcm";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";
import { within } from "../support/events";
import { until } from "../support/until";
import type { GoogleRequests } from "../support/web-push";
import type { ShowCount, ShownNotification } from "../support/web-push";
import {
  FAKE_FCM_WEB_TOKEN,
  FAKE_PUSH_ENDPOINT,
  countShownNotifications,
  fakeGoogle,
  fakePushService,
  shownNotifications,
  testWebPushSettings,
  webPushBody,
} from "../support/web-push";
import { claimCards, connected } from "./pages";

/**
 * The player page as a web push client, in real Chromium: with web push configured it
 * registers the service worker, gets an FCM token through Firebase's web SDK and registers
 * it with the server (platform "web"); the server's push for that token, delivered to the
 * service worker through DevTools (`ServiceWorker.deliverPushMessage`), is shown as a
 * notification linking to the game. Google (FCM's web endpoints, the browser's push
 * service, FCM's delivery) is out of reach: see tests/support/web-push.ts for what stands in.
 */

jest.setTimeout(300_000);

const PROJECT = "bingo-e2e";

let redis: TestRedis;
let admin: Redis;
let fake: FakeFcm;
let fcm: FakeFcmMessaging;
let settings: WebPushSettings;
let app: TestApp;
let appWithoutPush: TestApp;
let browser: Browser;
const hosts: BingoClient[] = [];
const pages: E2ePage[] = [];

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
  fake = await startFakeFcm();
  fcm = fakeFcmMessaging(fake, PROJECT);
  settings = testWebPushSettings();
  app = await startTestApp({
    redisUrl: redis.url,
    devMode: true,
    pushSender: new FcmPushSender(fcm.messaging),
    config: { webPush: settings, backgroundGraceMs: 60_000, pushCountThresholds: [] },
  });
  // Its own (memory) store: a second node on this Redis would share the push outbox.
  appWithoutPush = await startTestApp({ devMode: true });
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const host of hosts) host.close();
  for (const target of pages) await target.context.close().catch(() => undefined);
  await browser?.close();
  await app?.stop();
  await appWithoutPush?.stop();
  await fcm?.close();
  await fake?.close();
  admin?.disconnect();
  await redis?.stop();
});

async function hostGame(on: TestApp): Promise<string> {
  const host = await BingoClient.connect({
    url: on.url,
    token: async () => {
      const response = await fetch(`${on.url}/api/dev/token`, { method: "POST", body: JSON.stringify({ role: "host", sub: "web-push-host" }) });
      return ((await response.json()) as { token: string }).token;
    },
  });
  hosts.push(host);
  return ok(await host.createGame({ title: "Push show", variant: 75 }), "create").gameId;
}

interface PushPage extends E2ePage {
  readonly google: GoogleRequests;
  readonly cdp: CDPSession;
  /** Service worker registration ids by scope URL, as DevTools reports them. */
  readonly registrations: Map<string, string>;
  /** Every script and service worker the page asked for. */
  readonly requested: string[];
  /** console.warn / console.info lines. */
  readonly notes: string[];
  /** How many notifications the site's service worker has finished showing. */
  readonly shows: () => Promise<ShowCount>;
}

/** A player page on `on` with notifications allowed, its DevTools session open before it loads. */
async function openPushPage(
  on: TestApp,
  path: string,
  { googleReachable, fakeSubscription = googleReachable, allowNotifications = true }: { googleReachable: boolean; fakeSubscription?: boolean; allowNotifications?: boolean },
): Promise<PushPage> {
  const context = await browser.newContext({ viewport: PHONE });
  context.setDefaultTimeout(WAIT_MS);
  if (allowNotifications) await context.grantPermissions(["notifications"], { origin: on.url });
  const google = await fakeGoogle(context, { reachable: googleReachable });
  if (fakeSubscription) await fakePushService(context);
  const page = await context.newPage();
  const errors: string[] = [];
  const notes: string[] = [];
  const requested: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console.error: ${message.text()}`);
    if (message.type() === "warning" || message.type() === "info") notes.push(message.text());
  });
  context.on("request", (request) => requested.push(new URL(request.url()).pathname));
  const shows = countShownNotifications(context);
  const cdp = await context.newCDPSession(page);
  // DevTools reports the service worker registrations (ids for deliverPushMessage) from enable on.
  const registrations = new Map<string, string>();
  cdp.on("ServiceWorker.workerRegistrationUpdated", (event) => {
    for (const r of event.registrations) {
      if (r.isDeleted) registrations.delete(r.scopeURL);
      else registrations.set(r.scopeURL, r.registrationId);
    }
  });
  await cdp.send("ServiceWorker.enable");
  const target: PushPage = { context, page, name: "player", errors, google, cdp, requested, notes, registrations, shows };
  pages.push(target);
  await page.goto(`${on.url}${path}`, { waitUntil: "load" });
  return target;
}

/**
 * Delivers a push body to the site's service worker, as the browser does when its push
 * service hands one over, and returns the notifications shown once the worker has shown its
 * notification for it: read only then (see countShownNotifications), and at once, since
 * headless Chromium drops a shown notification about 25 s later.
 */
async function pushShown(target: PushPage, origin: string, body: string): Promise<ShownNotification[]> {
  const before = (await target.shows()).done;
  await until("the service worker's registration reported by DevTools", () => target.registrations.has(`${origin}/`));
  await target.cdp.send("ServiceWorker.deliverPushMessage", { origin, registrationId: target.registrations.get(`${origin}/`)!, data: body });
  let after: ShowCount = { done: before, failed: [] };
  await until("the service worker's notification for the push", async () => (after = await target.shows()).done > before || after.failed.length > 0, WAIT_MS);
  expect(after).toEqual({ done: before + 1, failed: [] });
  return shownNotifications(target.page);
}

/** Waits until the page's web push setup has ended in `state` (`<html data-web-push>`). */
function waitPushState(target: PushPage, state: string): Promise<void> {
  return waitUntil(target, `data-web-push="${state}"`, (want) => document.documentElement.dataset.webPush === want, state);
}

test("configured: the page registers its FCM token (web) with the server; the server's push for it becomes a notification linking to the game", async () => {
  const gameId = await hostGame(app);
  const player = await openPushPage(app, `/play/${gameId}`, { googleReachable: true });
  await connected(player);
  await waitPushState(player, "registered");

  // getToken ran for real: it subscribed with the operator's VAPID key and registered the subscription with FCM.
  const sub = await player.page.evaluate(() => localStorage.getItem("bingo:player:sub"));
  expect(sub).toEqual(expect.any(String));
  const tokens = `bingo:{p:${sub}}:tokens`;
  await until("the page's FCM token registered with the server", async () => ((await admin.hget(tokens, FAKE_FCM_WEB_TOKEN)) ?? "").startsWith("web:"));
  expect(player.google.registrations).toEqual([
    { web: { origin: new URL(app.url).host, endpoint: FAKE_PUSH_ENDPOINT, auth: expect.any(String), p256dh: expect.any(String), applicationPubKey: settings.vapidKey } },
  ]);
  const subscribeKey = await player.page.evaluate(() => (window as unknown as { __pushSubscribeKey: number[] }).__pushSubscribeKey);
  expect(Buffer.from(subscribeKey).toString("base64url")).toBe(settings.vapidKey);

  // The page goes to the background (its own visibilitychange handler tells the server), then claims open.
  await player.page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await until("the server knows the page is in the background", async () => (await admin.hget(`bingo:{p:${sub}}:presence`, "app")) === "background");
  const host = hosts[hosts.length - 1];
  ok(await host.openClaims({ gameId, totalSlots: 10, maxPerPlayer: 4 }), "open");
  await within(fake.waitForRequests(1), "the server's push to the page's token");
  const [sent] = fake.messages();
  expect(sent).toMatchObject({ token: FAKE_FCM_WEB_TOKEN, data: { type: "claims", gameId, remaining: "10", total: "10" } });

  // FCM would deliver it to the browser's push service; DevTools hands the same body to the service worker.
  // The opening is an alert: the server's notification block is what the browser shows.
  expect(await pushShown(player, app.url, webPushBody(sent, settings.firebase.messagingSenderId))).toEqual([
    {
      title: "Claims are open",
      body: "10 cards to claim. Be quick!",
      tag: `claims:${gameId}`,
      data: { link: `${app.url}/play/${gameId}`, kind: "claims", gameId },
    },
  ]);

  // A silent refresh (a count: data only) still shows one, its text built from the data.
  expect(
    await pushShown(
      player,
      app.url,
      JSON.stringify({ data: { type: "claims", gameId, remaining: "4", total: "10" }, from: settings.firebase.messagingSenderId, fcmMessageId: "m-count" }),
    ),
  ).toEqual([
    {
      title: "Cards on sale",
      body: `Game ${gameId}: 4 of 10 cards left. Claim yours now.`,
      tag: `claims:${gameId}`,
      data: { link: `${app.url}/play/${gameId}`, kind: "claims", gameId },
    },
  ]);

  // A push with a notification block (as FCM shows it on other platforms) uses its text and
  // link, and replaces the shown notification of the same kind and game.
  expect(
    await pushShown(
      player,
      app.url,
      JSON.stringify({
        notification: { title: "Only 3 cards left", body: "Hurry" },
        data: { type: "claims", gameId, remaining: "3", total: "10" },
        fcmOptions: { link: `/play/${gameId}?from=push` },
        from: settings.firebase.messagingSenderId,
        fcmMessageId: "m-2",
      }),
    ),
  ).toEqual([
    { title: "Only 3 cards left", body: "Hurry", tag: `claims:${gameId}`, data: { link: `${app.url}/play/${gameId}?from=push`, kind: "claims", gameId } },
  ]);

  // Whatever arrives, a notification (browsers require one per push): here, not even JSON.
  expect(await pushShown(player, app.url, "not json")).toContainEqual({
    title: "Bingo Live",
    body: "Your game has news.",
    tag: "update:-",
    data: { link: `${app.url}/`, kind: "update", gameId: null },
  });
  expect(player.errors).toEqual([]);
});

/**
 * What Chromium itself writes to the console here, not the page: it refuses a push
 * subscription in a Playwright context (incognito-like; a regular profile offline fails
 * reaching Google's push service instead), and logs each request that fails offline.
 */
const BROWSER_LINES = ["does not support the Push API in incognito mode", "Failed to load resource: net::ERR_INTERNET_DISCONNECTED"];

test.each([
  ["the browser's push subscription fails", { googleReachable: false, fakeSubscription: false }],
  ["Google's FCM endpoints are out of reach", { googleReachable: false, fakeSubscription: true }],
])("configured, but %s: the page warns once and plays on, with nothing registered", async (_case, reach) => {
  const gameId = await hostGame(app);
  ok(await hosts[hosts.length - 1].openClaims({ gameId, totalSlots: 10, maxPerPlayer: 4 }), "open");
  const player = await openPushPage(app, `/play/${gameId}`, reach);
  await connected(player);
  await waitText(player, "slots-left", "10");
  await waitPushState(player, "unavailable");
  expect(player.notes.filter((note) => note.startsWith("web push unavailable:"))).toHaveLength(1);

  // The game works: a claim goes through.
  await claimCards(player, 1, 1);
  await waitText(player, "slots-left", "9");
  const sub = await player.page.evaluate(() => localStorage.getItem("bingo:player:sub"));
  expect(await admin.hgetall(`bingo:{p:${sub}}:tokens`)).toEqual({});
  // The service worker is there all the same: pushes would show once a token is had.
  expect(player.requested).toContain("/push-sw.js");
  expect(player.errors.filter((line) => !BROWSER_LINES.some((own) => line.includes(own)))).toEqual([]);
});

test("configured, the player not asked yet: the page asks at the first click, and a refusal leaves the game as it was", async () => {
  const gameId = await hostGame(app);
  ok(await hosts[hosts.length - 1].openClaims({ gameId, totalSlots: 10, maxPerPlayer: 4 }), "open");
  const player = await openPushPage(app, `/play/${gameId}`, { googleReachable: true, allowNotifications: false });
  await connected(player);
  // Not on load: browsers ignore (or bury) a permission request no user action started.
  await waitPushState(player, "asking");
  // Playwright's browser answers a permission request it was not told to grant with a refusal.
  await claimCards(player, 1, 1);
  await waitPushState(player, "denied");
  await waitText(player, "slots-left", "9");
  expect(await player.page.evaluate(() => Notification.permission)).toBe("denied");
  expect(player.google.registrations).toEqual([]);
  expect(player.requested.filter((path) => path.includes("push-firebase"))).toEqual([]);
  expect(player.errors).toEqual([]);
});

test("not configured: the page does nothing push-related (no service worker, no Firebase SDK fetched)", async () => {
  const config = await fetch(`${appWithoutPush.url}/api/push-config`);
  expect(await config.json()).toEqual({ enabled: false });
  const gameId = await hostGame(appWithoutPush);
  const player = await openPushPage(appWithoutPush, `/play/${gameId}`, { googleReachable: false });
  await connected(player);
  await waitPushState(player, "off");
  expect(player.requested).toContain("/api/push-config");
  expect(await player.page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
  expect(player.requested.filter((path) => path === "/push-sw.js" || path.includes("push-firebase"))).toEqual([]);
  expect(player.notes.filter((note) => note.includes("web push"))).toEqual([]);
  expect(player.errors).toEqual([]);
});

test("GET /api/push-config serves the public web settings; /push-sw.js is served fresh from the root", async () => {
  const config = await fetch(`${app.url}/api/push-config`);
  expect(config.status).toBe(200);
  expect(await config.json()).toEqual({ enabled: true, ...settings });
  const worker = await fetch(`${app.url}/push-sw.js`);
  expect(worker.status).toBe(200);
  expect(worker.headers.get("content-type")).toMatch(/^text\/javascript/);
  expect(worker.headers.get("cache-control")).toBe("no-cache");
  expect(await worker.text()).toContain("showNotification");
});
