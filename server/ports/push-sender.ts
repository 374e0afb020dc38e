import type { PushMessage } from "../domain/push-messages";

/** What became of one message. */
export type PushOutcome =
  | { readonly ok: true }
  /**
   * `retry`: a transient failure (unavailable, quota); `dropToken`: the token is dead.
   * `ambiguous`: FCM's INVALID_ARGUMENT, which means a bad token OR a bad payload (the SDK
   * keeps no detail to tell them apart): the caller decides, and never drops a token on it
   * alone (see PushDispatcher).
   */
  | { readonly ok: false; readonly code: string; readonly retry: boolean; readonly dropToken: boolean; readonly ambiguous?: true };

/**
 * Sends push messages (FCM, or a log in development). `send` takes at most
 * MAX_PUSH_BATCH messages and answers one outcome per message, in order; it rejects only
 * when the whole batch could not be attempted (then every message may be retried).
 */
export interface PushSender {
  send(messages: readonly PushMessage[]): Promise<PushOutcome[]>;
}

/** FCM's sendEach limit. */
export const MAX_PUSH_BATCH = 500;
