import type { Logger } from "pino";
import type { Platform, PushEvent, PushMessage, PushTarget } from "../domain/push-messages";
import { isSuperseded, pushMessage } from "../domain/push-messages";
import type { Metrics } from "../ports/metrics";
import { noMetrics } from "../ports/metrics";
import type { Clock } from "../ports/clock";
import type { OutboxEntry, PlayerDirectory, PushGate, PushOutbox } from "../ports/push-ports";
import type { PushSender } from "../ports/push-sender";
import { MAX_PUSH_BATCH } from "../ports/push-sender";

export interface PushDispatcherOptions {
  readonly nodeId: string;
  /** BACKGROUND_GRACE_MS */
  readonly graceMs: number;
  /** Entries another node took and did not finish within this are taken over. */
  readonly claimTimeoutMs: number;
  /** Waits between attempts for messages that failed transiently (quota, unavailable). */
  readonly retryDelaysMs: readonly number[];
  readonly metrics?: Pick<Metrics, "pushSuppressed" | "pushFailed">;
}

const TAKE_COUNT = 50;
const TAKE_WAIT_MS = 1000;
const ERROR_BACKOFF_MS = 1000;

/**
 * Every node runs one: it takes outbox entries (each goes to one node), finds the devices
 * of the backgrounded players concerned, and sends one message per device, in batches of
 * up to 500. Dead tokens are dropped; transient failures are retried with backoff; the
 * entry is acknowledged once every message is settled, so a node that dies mid-way leaves
 * it to another node (reclaimed after `claimTimeoutMs`).
 */
export class PushDispatcher {
  private running = false;
  private loop: Promise<void> | null = null;
  private lastReclaim = 0;

  constructor(
    private readonly outbox: PushOutbox,
    private readonly directory: PlayerDirectory,
    private readonly gate: PushGate,
    private readonly sender: PushSender,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: PushDispatcherOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops taking entries; the entry in hand is finished first. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const entries = await this.outbox.take(this.options.nodeId, TAKE_COUNT, TAKE_WAIT_MS);
        for (const entry of entries) await this.deliver(entry);
        if (this.clock.now() - this.lastReclaim >= this.options.claimTimeoutMs / 2) {
          this.lastReclaim = this.clock.now();
          for (const entry of await this.outbox.reclaim(this.options.nodeId, this.options.claimTimeoutMs, TAKE_COUNT)) {
            await this.deliver(entry);
          }
        }
      } catch (error) {
        this.log.warn({ err: error instanceof Error ? error.message : error }, "push outbox unavailable; retrying");
        await delay(ERROR_BACKOFF_MS);
      }
    }
  }

  /** Sends one entry's messages, then acknowledges it. */
  private async deliver(entry: OutboxEntry): Promise<void> {
    const { event } = entry;
    const metrics = this.options.metrics ?? noMetrics;
    // Checked again here: a phase may have moved on (on any node) since it was queued.
    if (isSuperseded(event, await this.gate.current(event.gameId))) {
      metrics.pushSuppressed("superseded");
      await this.outbox.ack([entry.id]);
      return;
    }
    const targets = await this.directory.pushTargets(event.gameId, event.players ?? null, this.options.graceMs);
    let pending: { target: PushTarget; message: PushMessage }[] = [];
    const now = this.clock.now();
    for (const target of targets) {
      const message = pushMessage(event, target, now);
      if (message) pending.push({ target, message });
    }
    /** Platforms FCM accepted a message of this entry for: the payload is fine there. */
    const acceptedOn = new Set<Platform>();
    const ambiguous: PushTarget[] = [];
    for (let attempt = 0; pending.length > 0; attempt++) {
      const failed: typeof pending = [];
      for (let i = 0; i < pending.length; i += MAX_PUSH_BATCH) {
        const batch = pending.slice(i, i + MAX_PUSH_BATCH);
        let outcomes;
        try {
          outcomes = await this.sender.send(batch.map((item) => item.message));
        } catch (error) {
          this.log.warn({ err: error instanceof Error ? error.message : error, gameId: event.gameId }, "push batch failed");
          failed.push(...batch);
          continue;
        }
        for (let k = 0; k < batch.length; k++) {
          const outcome = outcomes[k];
          if (outcome.ok) acceptedOn.add(batch[k].target.platform);
          else if (outcome.dropToken) await this.directory.dropToken(batch[k].target.playerId, batch[k].target.token);
          else if (outcome.ambiguous) ambiguous.push(batch[k].target);
          else if (outcome.retry) failed.push(batch[k]);
          else this.log.warn({ code: outcome.code, gameId: event.gameId, kind: event.kind }, "push refused");
        }
      }
      if (failed.length === 0 || attempt >= this.options.retryDelaysMs.length) {
        if (failed.length > 0) this.log.warn({ gameId: event.gameId, kind: event.kind, failed: failed.length }, "push given up after retries");
        break;
      }
      await delay(this.options.retryDelaysMs[attempt]);
      pending = failed;
    }
    await this.settleAmbiguous(event, ambiguous, acceptedOn, metrics);
    await this.outbox.ack([entry.id]);
  }

  /**
   * INVALID_ARGUMENT is the token's fault only where the same message was accepted for
   * another device of that platform; refused for every device of a platform, it is the
   * payload's: a bug to log and count, and no token is dropped for it.
   */
  private async settleAmbiguous(event: PushEvent, refused: readonly PushTarget[], acceptedOn: ReadonlySet<Platform>, metrics: Pick<Metrics, "pushFailed">): Promise<void> {
    const payloadErrors = new Map<Platform, number>();
    for (const target of refused) {
      if (acceptedOn.has(target.platform)) await this.directory.dropToken(target.playerId, target.token);
      else payloadErrors.set(target.platform, (payloadErrors.get(target.platform) ?? 0) + 1);
    }
    for (const [platform, count] of payloadErrors) {
      metrics.pushFailed("payload", count);
      this.log.error({ gameId: event.gameId, kind: event.kind, platform, count }, "FCM refused the push payload (INVALID_ARGUMENT for every device of a platform): a bug; no token dropped");
    }
  }
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
