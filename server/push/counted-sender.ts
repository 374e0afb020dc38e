import type { PushMessage } from "../domain/push-messages";
import type { Metrics } from "../ports/metrics";
import type { PushOutcome, PushSender } from "../ports/push-sender";

/** A PushSender that counts what became of each message it passed on (one count per send call, not per message). */
export function countedSender(sender: PushSender, metrics: Pick<Metrics, "pushSent" | "pushFailed">): PushSender {
  return {
    async send(messages: readonly PushMessage[]): Promise<PushOutcome[]> {
      let outcomes: PushOutcome[];
      try {
        outcomes = await sender.send(messages);
      } catch (error) {
        metrics.pushFailed("error", messages.length);
        throw error;
      }
      let sent = 0;
      let dead = 0;
      let transient = 0;
      let invalid = 0;
      for (const outcome of outcomes) {
        if (outcome.ok) sent++;
        else if (outcome.dropToken) dead++;
        else if (outcome.ambiguous) invalid++;
        else if (outcome.retry) transient++;
      }
      metrics.pushSent(sent);
      metrics.pushFailed("dead-token", dead);
      metrics.pushFailed("transient", transient);
      metrics.pushFailed("invalid-argument", invalid);
      metrics.pushFailed("refused", outcomes.length - sent - dead - transient - invalid);
      return outcomes;
    },
  };
}
