/**
 * GET /api/push-config: what the browser player app needs to register for web push through
 * Firebase Cloud Messaging. Public values only (a web app's Firebase config and its VAPID
 * public key are visible to every visitor of a page that uses them).
 */
export interface WebPushSettings {
  /** The web push certificate's public key (base64url), for `getToken({ vapidKey })`. */
  readonly vapidKey: string;
  /** The web app's Firebase config, for `initializeApp`. */
  readonly firebase: { readonly apiKey: string; readonly appId: string; readonly messagingSenderId: string; readonly projectId: string };
}

export type PushConfigAnswer = ({ readonly enabled: true } & WebPushSettings) | { readonly enabled: false };

/** Checks an answer read from the network before the page hands it to the Firebase SDK. */
export function isPushConfigAnswer(value: unknown): value is PushConfigAnswer {
  if (!isObject(value)) return false;
  if (value.enabled === false) return true;
  if (value.enabled !== true || typeof value.vapidKey !== "string" || !isObject(value.firebase)) return false;
  const firebase = value.firebase;
  return ["apiKey", "appId", "messagingSenderId", "projectId"].every((key) => typeof firebase[key] === "string");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
