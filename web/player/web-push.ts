import type { BingoClient } from "../../shared/client/bingo-client";
import type { WebPushSettings } from "../../shared/protocol/push-config";
import { isPushConfigAnswer } from "../../shared/protocol/push-config";

/**
 * Where web push stands on this page, kept in `<html data-web-push>` (for tests and for
 * anyone looking at the page): off (not configured), unsupported, asking (waiting for the
 * player's first click to ask for the permission), denied (notifications not allowed),
 * unavailable (a step failed, e.g. Google out of reach), registered.
 */
export type WebPushState = "off" | "unsupported" | "asking" | "denied" | "unavailable" | "registered";

/**
 * Web push for this browser, when the operator configured it (GET /api/push-config): the
 * service worker that shows the pushes (/push-sw.js), the notification permission, an FCM
 * token from Firebase's web SDK, and that token registered with the server
 * (`push:register`, platform "web") at every page start, as the server expects.
 *
 * Never in the way of the game: without configuration nothing is loaded; any failure (no
 * support, permission refused, Google's servers out of reach) is logged as a warning and
 * the page plays on with the socket alone.
 */
export async function startWebPush(client: BingoClient): Promise<void> {
  document.documentElement.dataset.webPush = await setUp(client);
}

async function setUp(client: BingoClient): Promise<WebPushState> {
  try {
    const settings = await pushSettings();
    if (!settings) return "off";
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      console.info("web push: not supported by this browser");
      return "unsupported";
    }
    const registration = await navigator.serviceWorker.register("/push-sw.js", { scope: "/" });
    if (!(await permitted())) {
      console.info("web push: notifications not allowed");
      return "denied";
    }
    // The Firebase SDK comes in its own chunk, fetched only here.
    const { firebaseToken } = await import("./push-firebase");
    const token = await firebaseToken(settings, await readyWorker(registration));
    const registered = await client.registerPush(token, "web");
    if (registered.ok) return "registered";
    console.warn(`web push unavailable: the server refused the token (${registered.error.code})`);
  } catch (error) {
    console.warn("web push unavailable:", error instanceof Error ? error.message : String(error));
  }
  return "unavailable";
}

async function pushSettings(): Promise<WebPushSettings | null> {
  const response = await fetch("/api/push-config");
  if (!response.ok) return null;
  const answer: unknown = await response.json();
  if (!isPushConfigAnswer(answer)) throw new Error("unexpected answer from /api/push-config");
  return answer.enabled ? answer : null;
}

/**
 * Asks only while the player has not decided (a refusal is kept, never asked again), and
 * only at the player's first click or key in the page: Firefox and Safari ignore a request
 * that no user action started, and Chrome files such requests under its quiet prompt.
 */
async function permitted(): Promise<boolean> {
  if (Notification.permission === "default") {
    document.documentElement.dataset.webPush = "asking";
    await new Promise<void>((resolve) => {
      const ask = (): void => {
        for (const type of GESTURES) document.removeEventListener(type, ask, true);
        // Called inside the event handler, while the user activation lasts.
        void Notification.requestPermission().then(() => resolve(), () => resolve());
      };
      for (const type of GESTURES) document.addEventListener(type, ask, true);
    });
  }
  return Notification.permission === "granted";
}

const GESTURES = ["click", "keydown"] as const;

/** FCM subscribes through an active worker; a first visit's worker may still be installing. */
async function readyWorker(registration: ServiceWorkerRegistration): Promise<ServiceWorkerRegistration> {
  if (registration.active) return registration;
  return navigator.serviceWorker.ready;
}
