import { initializeApp } from "firebase/app";
import { getMessaging, getToken, isSupported } from "firebase/messaging";
import type { WebPushSettings } from "../../shared/protocol/push-config";

/**
 * This browser's FCM registration token, from Firebase's web SDK. Loaded only when web push
 * is configured (a chunk of its own), so the player page stays light without it.
 * Needs Google's servers (Firebase Installations, FCM registrations) and the browser's push
 * service: it rejects when any of them is out of reach.
 */
export async function firebaseToken(settings: WebPushSettings, registration: ServiceWorkerRegistration): Promise<string> {
  if (!(await isSupported())) throw new Error("this browser lacks what FCM web push needs (service workers, Push API, IndexedDB)");
  const app = initializeApp(settings.firebase, "bingo-web-push");
  return getToken(getMessaging(app), { vapidKey: settings.vapidKey, serviceWorkerRegistration: registration });
}
