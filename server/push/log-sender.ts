import type { PushMessage } from "../domain/push-messages";
import { MAX_PUSH_BATCH, type PushOutcome, type PushSender } from "../ports/push-sender";

/**
 * A token as it may appear in logs: its first 8 characters and "…" (at most half of a short
 * one), never the whole token, which is a credential to push to that phone. Shortening
 * twice changes nothing.
 */
export function shortToken(token: string): string {
  // Already short: the log sender shortens, then the logger's redaction passes it here again.
  if (token.endsWith("…")) return `${token.slice(0, Math.min(8, token.length - 1))}…`;
  return `${token.slice(0, Math.min(8, Math.floor(token.length / 2)))}…`;
}

/** For development without FCM: logs each message it would have sent, and answers ok. */
export class LogPushSender implements PushSender {
  constructor(private readonly log: (line: object) => void) {}

  async send(messages: readonly PushMessage[]): Promise<PushOutcome[]> {
    if (messages.length > MAX_PUSH_BATCH) {
      throw new RangeError(`at most ${MAX_PUSH_BATCH} push messages per send, got ${messages.length}`);
    }
    for (const message of messages) {
      // No `msg` here: pino's `info(line, "…")` adds its own, and a second would repeat the key.
      this.log({
        token: shortToken(message.token),
        data: message.data,
        collapseKey: message.android.collapseKey,
        ttlMs: message.android.ttl,
      });
    }
    return messages.map((): PushOutcome => ({ ok: true }));
  }
}
