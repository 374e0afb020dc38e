import type { BrowserContext, Page, Worker } from "playwright-core";
import { createECDH } from "node:crypto";
import type { WebPushSettings } from "../../shared/protocol";

/**
 * What the web push tests put in place of Google, which is out of reach here: FCM's web
 * endpoints (Firebase Installations and FCM registrations, faked with Playwright routes), the
 * browser's push service (Chromium's `PushManager.subscribe` asks Google's GCM for an
 * endpoint: replaced in the page by a subscription object), and FCM's conversion of a sent
 * message into the body of a web push (`webPushBody`). Everything between runs for real:
 * the page's code, Firebase's web SDK (`getToken`, IndexedDB included), the server, the
 * service worker, and Chromium's push event and notifications.
 */

export const FAKE_FCM_WEB_TOKEN = "fcm-web-token-e2e-1";
export const FAKE_PUSH_ENDPOINT = "https://push.example.test/subscriptions/e2e-1";

/** Web push settings for a test server, with a real P-256 public key as the VAPID key. */
export function testWebPushSettings(): WebPushSettings {
  const key = createECDH("prime256v1");
  key.generateKeys();
  return {
    vapidKey: key.getPublicKey().toString("base64url"),
    firebase: { apiKey: "AIzaSyE2e-test-key-0123456789", appId: "1:1234567890:web:0a1b2c3d", messagingSenderId: "1234567890", projectId: "bingo-e2e" },
  };
}

export interface GoogleRequests {
  /** Bodies of the FCM registration requests (getToken), parsed. */
  readonly registrations: Record<string, unknown>[];
  readonly installations: number;
}

/**
 * Fakes Google for the pages of `context`: Firebase Installations hands out an installation,
 * FCM registrations hands out FAKE_FCM_WEB_TOKEN; any other request to Google fails as it
 * would offline. With `reachable: false`, every request to Google fails.
 */
export async function fakeGoogle(context: BrowserContext, { reachable }: { reachable: boolean }): Promise<GoogleRequests> {
  const seen = { registrations: [] as Record<string, unknown>[], installations: 0 };
  await context.route(/^https:\/\/[^/]*\.googleapis\.com\//, async (route) => {
    const url = route.request().url();
    if (!reachable) return route.abort("internetdisconnected");
    if (url.startsWith("https://firebaseinstallations.googleapis.com/v1/projects/") && route.request().method() === "POST") {
      seen.installations++;
      const { fid } = route.request().postDataJSON() as { fid: string };
      return route.fulfill({
        json: { name: `projects/1234567890/installations/${fid}`, fid, refreshToken: "refresh-e2e", authToken: { token: "fis-auth-e2e", expiresIn: "604800s" } },
      });
    }
    if (url.startsWith("https://fcmregistrations.googleapis.com/v1/projects/") && route.request().method() === "POST") {
      seen.registrations.push(route.request().postDataJSON() as Record<string, unknown>);
      return route.fulfill({ json: { token: FAKE_FCM_WEB_TOKEN } });
    }
    return route.abort("internetdisconnected");
  });
  return seen;
}

/**
 * Replaces the browser's push service in every page of `context`: `subscribe` returns a
 * subscription with FAKE_PUSH_ENDPOINT (and keeps the options it was given in
 * `window.__pushSubscribeKey`), as Chrome would after asking GCM.
 */
export async function fakePushService(context: BrowserContext): Promise<void> {
  await context.addInitScript((endpoint: string) => {
    const bytes = (length: number, fill: number): ArrayBuffer => new Uint8Array(length).fill(fill).buffer;
    let current: PushSubscription | null = null;
    const subscription = {
      endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true, applicationServerKey: null },
      getKey: (name: string) => (name === "p256dh" ? bytes(65, 4) : bytes(16, 9)),
      toJSON: () => ({ endpoint, keys: {} }),
      unsubscribe: async () => {
        current = null;
        return true;
      },
    } as unknown as PushSubscription;
    PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
      const key = options?.applicationServerKey;
      (window as unknown as { __pushSubscribeKey: number[] }).__pushSubscribeKey = key instanceof Uint8Array ? Array.from(key) : [];
      current = subscription;
      return subscription;
    };
    PushManager.prototype.getSubscription = async function () {
      return current;
    };
  }, FAKE_PUSH_ENDPOINT);
}

/**
 * The body of the web push FCM makes of a sent v1 message, as Firebase's web SDK reads it
 * (`MessagePayloadInternal`): `notification` (the webpush one over the common one), `data`
 * (the common fields, then the webpush ones), `fcmOptions` (webpush.fcm_options), `from`
 * (the sender id), `collapse_key` and `fcmMessageId`. A model of FCM, which cannot be
 * reached from here.
 */
export function webPushBody(message: Record<string, unknown>, senderId: string): string {
  const webpush = (message.webpush ?? {}) as Record<string, unknown>;
  const headers = (webpush.headers ?? {}) as Record<string, string>;
  const notification = webpush.notification ?? message.notification;
  const body: Record<string, unknown> = {
    data: { ...((message.data ?? {}) as object), ...((webpush.data ?? {}) as object) },
    from: senderId,
    collapse_key: headers.Topic ?? "do_not_collapse",
    fcmMessageId: `e2e-${Math.random().toString(36).slice(2)}`,
  };
  if (notification) body.notification = notification;
  if (webpush.fcm_options) body.fcmOptions = webpush.fcm_options;
  return JSON.stringify(body);
}

export interface ShownNotification {
  readonly title: string;
  readonly body: string;
  readonly tag: string;
  readonly data: { link: string; kind: string; gameId: string | null };
}

/** The notifications the site's service worker shows now, read in `page` (a page of the site). */
export function shownNotifications(page: Page): Promise<ShownNotification[]> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration("/");
    const shown = registration ? await registration.getNotifications() : [];
    return shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data as ShownNotification["data"] }));
  });
}

/** What the site's service worker has shown so far: notifications whose showNotification settled. */
export interface ShowCount {
  readonly done: number;
  readonly failed: readonly string[];
}

/**
 * Counts, in every service worker that starts in `context`, the notifications it has finished
 * showing: the browser's `showNotification` is wrapped in the worker's global scope (the
 * worker's own code is untouched). A test waits for this count before it reads the shown
 * notifications, because Chromium loses a notification for good from what
 * `getNotifications()` returns when that call runs while the notification is still being
 * shown: with three readers polling, 24 of 30 notifications were never listed; read after
 * `showNotification` settled, 30 of 30 were. A worker with DevTools attached (Playwright's)
 * is not stopped when idle, so the count lasts the test.
 */
export function countShownNotifications(context: BrowserContext): () => Promise<ShowCount> {
  let counting: Promise<Worker> | null = null;
  context.on("serviceworker", (worker) => {
    counting = worker.evaluate(wrapShowNotification).then(() => worker);
    // A worker closed with its context before anyone read it is no failure; a read still sees the rejection.
    counting.catch(() => undefined);
  });
  return async () => (counting ? (await counting).evaluate(() => (self as unknown as { __shows: ShowCount }).__shows) : { done: 0, failed: [] });
}

/** Runs in the service worker. */
function wrapShowNotification(): void {
  const scope = self as unknown as { __shows?: { done: number; failed: string[] } };
  if (scope.__shows) return;
  const shows = { done: 0, failed: [] as string[] };
  scope.__shows = shows;
  const show = ServiceWorkerRegistration.prototype.showNotification;
  ServiceWorkerRegistration.prototype.showNotification = function (...args: Parameters<typeof show>) {
    return show.apply(this, args).then(
      () => void shows.done++,
      (error: unknown) => {
        shows.failed.push(String(error));
        throw error;
      },
    );
  };
}
