import { cert, getApps, initializeApp } from "firebase-admin/app";
import { getMessaging, type Message, type Messaging, type SendResponse } from "firebase-admin/messaging";
import type { PushMessage } from "../domain/push-messages";
import { MAX_PUSH_BATCH, type PushOutcome, type PushSender } from "../ports/push-sender";

/** The token is dead or invalid: stop sending to it. */
const DROP_TOKEN = new Set(["messaging/registration-token-not-registered", "messaging/invalid-registration-token"]);

/**
 * FCM v1 answers INVALID_ARGUMENT both for a token that is not a valid registration token
 * and for a payload it refuses (a bad TTL, a data value…); the SDK keeps only the code, not
 * the BadRequest details that would tell them apart. So it drops nothing by itself.
 */
const AMBIGUOUS = "messaging/invalid-argument";

/** Worth sending again later (with back-off): FCM or the network, not the message or token. */
const TRANSIENT = new Set([
  "messaging/message-rate-exceeded",
  "messaging/device-message-rate-exceeded",
  "messaging/topics-message-rate-exceeded",
  "messaging/server-unavailable",
  "messaging/internal-error",
  "messaging/unknown-error",
  "app/network-error",
  "app/network-timeout",
  // No access token: the SDK reports it per message (see FcmPushSender.send).
  "app/invalid-credential",
]);

/**
 * The outcome of one failed message, from the firebase-admin error code. Everything not known
 * as dead-token or transient (mismatched credential, third-party auth, a payload the SDK
 * refused locally: `messaging/invalid-payload`…) is neither retried nor a reason to drop.
 */
export function fcmFailureOutcome(code: string): PushOutcome {
  if (code === AMBIGUOUS) return { ok: false, code, retry: false, dropToken: false, ambiguous: true };
  return { ok: false, code, retry: TRANSIENT.has(code), dropToken: DROP_TOKEN.has(code) };
}

function codeOf(response: SendResponse): string {
  const code = (response.error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && code !== "" ? code : "unknown";
}

function outcomeOf(response: SendResponse): PushOutcome {
  return response.success ? { ok: true } : fcmFailureOutcome(codeOf(response));
}

/**
 * Sends through FCM with the firebase-admin SDK: one `sendEach` call (one HTTP/2 session, one
 * request per message) per batch. Per-message failures are outcomes. Rejects when the batch as
 * a whole could not be attempted:
 * - `sendEach` rejects (no HTTP/2 session to FCM: its code is then
 *   "messaging/app/network-error", a FirebaseMessagingSessionError);
 * - no access token could be had: the SDK does not reject then but fails every message with
 *   `app/invalid-credential` before sending any, so the first such error is thrown instead.
 */
export class FcmPushSender implements PushSender {
  constructor(private readonly messaging: Messaging) {}

  async send(messages: readonly PushMessage[]): Promise<PushOutcome[]> {
    if (messages.length > MAX_PUSH_BATCH) {
      throw new RangeError(`at most ${MAX_PUSH_BATCH} push messages per send, got ${messages.length}`);
    }
    if (messages.length === 0) return []; // sendEach refuses an empty list
    // PushMessage is a subset of the SDK's Message: this copy is checked against its type.
    const batch = await this.messaging.sendEach(messages.map((message): Message => message));
    if (batch.responses.length !== messages.length) {
      throw new Error(`FCM answered ${batch.responses.length} responses for ${messages.length} messages`);
    }
    if (batch.responses.every((response) => !response.success && codeOf(response) === "app/invalid-credential")) {
      throw batch.responses[0]?.error;
    }
    return batch.responses.map(outcomeOf);
  }
}

/** The name of the firebase-admin app the server sends pushes with. */
export const PUSH_APP_NAME = "bingo-push";

/**
 * The production sender: a service-account credential read from `credentialsPath` (now, so a
 * missing or malformed file fails at startup) for `projectId`. The app is created once per
 * process and reused by later calls.
 */
export function fcmSenderFromEnv(projectId: string, credentialsPath: string): FcmPushSender {
  const existing = getApps().find((app) => app.name === PUSH_APP_NAME);
  const app = existing ?? initializeApp({ credential: cert(credentialsPath), projectId }, PUSH_APP_NAME);
  return new FcmPushSender(getMessaging(app));
}
