import type { Logger } from "pino";
import type { Platform, PushEvent, PushMessage, PushTarget } from "../domain/push-messages";
import { deliveryKey, isSuperseded, pushMessage } from "../domain/push-messages";
import { alertOf } from "../domain/push-alerts";
import type { Clock } from "../ports/clock";
import type { Metrics } from "../ports/metrics";
import { noMetrics } from "../ports/metrics";
import type { OutboxEntry, PlayerDirectory, PushGate, PushOutbox } from "../ports/push-ports";
import type { PushSender } from "../ports/push-sender";
import { MAX_PUSH_BATCH } from "../ports/push-sender";

/** Waits between the attempts of messages that failed transiently: 4 attempts over 10.5 s. */
export const PUSH_RETRY_DELAYS_MS: readonly number[] = [500, 2000, 8000];

export interface PushDispatcherOptions {
  readonly nodeId: string;
  /** BACKGROUND_GRACE_MS */
  readonly graceMs: number;
  /** Entries another node took and did not renew within this are taken over. */
  readonly claimTimeoutMs: number;
  /** Waits between attempts for messages that failed transiently (quota, unavailable). */
  readonly retryDelaysMs: readonly number[];
  /** PUSH_LINK_BASE_URL: where a web alert leads (see pushMessage). */
  readonly linkBase?: string;
  /** Entries one node sends at once: one entry's retries never hold the others up. */
  readonly concurrency?: number;
  readonly metrics?: Pick<Metrics, "pushSuppressed" | "pushFailed" | "pushDeadLettered" | "pushTakenOver" | "pushLatency">;
}

const TAKE_WAIT_MS = 1000;
const ERROR_BACKOFF_MS = 1000;
const DEFAULT_CONCURRENCY = 8;

type Pending = { target: PushTarget; message: PushMessage; key: string };

/**
 * Every node runs one: it takes outbox entries (each goes to one node), finds the devices
 * of the backgrounded players concerned, and sends one message per device, in batches of
 * up to 500. Entries of different games are sent at once, so one entry's retries never
 * hold other games up; entries of one game go one after another, in the outbox's order.
 *
 * Exactly once per device: while an entry is being sent its claim is renewed (every third
 * of `claimTimeoutMs`), so a slow but live node keeps it; each batch's accepted devices are
 * recorded in the outbox before anything else, so a node that takes an entry over (its
 * sender died, even between send and acknowledge) skips them. The only window left is a
 * crash between FCM's answer and that record (a few ms).
 *
 * Nothing lost silently: an entry whose messages still fail after the retries goes to the
 * dead letters (counted, replayable with scripts/push-replay.ts). Dead tokens are dropped.
 */
export class PushDispatcher {
  private running = false;
  private loop: Promise<void> | null = null;
  private lastReclaim = 0;
  private readonly inFlight = new Set<Promise<void>>();
  /** Ids of the entries in `inFlight`: one this node is still sending is never taken over by itself. */
  private readonly sending = new Set<string>();
  /** The last entry of each game in hand here: the next one of that game follows it. */
  private readonly lastOfGame = new Map<string, Promise<void>>();

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

  /** Stops taking entries; the entries in hand are finished first. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all(this.inFlight);
  }

  private get metrics(): NonNullable<PushDispatcherOptions["metrics"]> {
    // Not spread into a new object: PromMetrics's methods live on its prototype.
    return this.options.metrics ?? noMetrics;
  }

  private async run(): Promise<void> {
    const concurrency = this.options.concurrency ?? DEFAULT_CONCURRENCY;
    while (this.running) {
      try {
        if (this.inFlight.size >= concurrency) {
          await Promise.race(this.inFlight);
          continue;
        }
        const entries = await this.outbox.take(this.options.nodeId, concurrency - this.inFlight.size, TAKE_WAIT_MS);
        for (const entry of entries) this.launch(entry);
        if (this.clock.now() - this.lastReclaim >= this.options.claimTimeoutMs / 2 && this.inFlight.size < concurrency) {
          this.lastReclaim = this.clock.now();
          const taken = await this.outbox.reclaim(this.options.nodeId, this.options.claimTimeoutMs, concurrency - this.inFlight.size);
          for (const entry of taken) {
            if (this.sending.has(entry.id)) continue;
            this.metrics.pushTakenOver();
            this.launch(entry);
          }
        }
      } catch (error) {
        this.log.warn({ err: error instanceof Error ? error.message : error }, "push outbox unavailable; retrying");
        await delay(ERROR_BACKOFF_MS);
      }
    }
  }

  /**
   * Starts sending an entry: at once, unless an earlier entry of the same game is still in
   * hand here, which it then follows (a player's pushes keep the game's order; other games
   * are not held up).
   */
  private launch(entry: OutboxEntry): void {
    const gameId = entry.event.gameId;
    const before = this.lastOfGame.get(gameId);
    const task: Promise<void> = (before ?? Promise.resolve())
      .then(() => this.deliver(entry))
      .catch((error: unknown) => {
        // Left unacknowledged: taken over after PUSH_CLAIM_TIMEOUT_MS, sent devices skipped.
        this.log.warn({ err: error instanceof Error ? error.message : error, entry: entry.id }, "push entry failed; another node will take it over");
      })
      .finally(() => {
        this.inFlight.delete(task);
        this.sending.delete(entry.id);
        if (this.lastOfGame.get(gameId) === task) this.lastOfGame.delete(gameId);
      });
    this.inFlight.add(task);
    this.sending.add(entry.id);
    this.lastOfGame.set(gameId, task);
  }

  /** Sends one entry's messages, then acknowledges it (or dead-letters it). */
  private async deliver(entry: OutboxEntry): Promise<void> {
    const { event } = entry;
    const metrics = this.metrics;
    // Checked again here: claims may have closed (on any node) since it was queued.
    if (isSuperseded(event, await this.gate.current(event.gameId))) {
      metrics.pushSuppressed("superseded");
      await this.outbox.ack([entry.id]);
      return;
    }
    const done = await this.outbox.delivered(entry.id);
    if (event.replayOf) for (const key of await this.outbox.delivered(event.replayOf)) done.add(key);
    // The players' preferences (muted kinds, quiet hours) are applied where the devices are picked.
    const filter = { kind: event.kind, alert: alertOf(event) !== null, at: this.clock.now() };
    const targets = await this.directory.pushTargets(event.gameId, event.players ?? null, this.options.graceMs, filter);
    let pending: Pending[] = [];
    const now = this.clock.now();
    for (const target of targets) {
      const key = deliveryKey(target.token);
      if (done.has(key)) continue;
      const message = pushMessage(event, target, now, { linkBase: this.options.linkBase });
      if (message) pending.push({ target, message, key });
    }

    let lost = false;
    const renewal = setInterval(() => {
      this.outbox
        .renew(this.options.nodeId, [entry.id])
        .then((mine) => {
          if (mine.length === 0) lost = true;
        })
        .catch((error: unknown) => this.log.debug({ err: error instanceof Error ? error.message : error, entry: entry.id }, "push claim renewal failed"));
    }, Math.max(10, Math.floor(this.options.claimTimeoutMs / 3)));
    renewal.unref();
    try {
      const failed = await this.sendAll(entry, pending, () => lost);
      if (lost) {
        this.log.warn({ entry: entry.id, gameId: event.gameId }, "push entry taken over by another node; stopped sending it");
        return;
      }
      if (failed > 0) {
        metrics.pushDeadLettered();
        this.log.error({ entry: entry.id, gameId: event.gameId, kind: event.kind, failed }, "push dead-lettered after its retries");
        await this.outbox.deadLetter(entry, failed, "retries-exhausted");
        return;
      }
      await this.outbox.ack([entry.id]);
    } finally {
      clearInterval(renewal);
    }
  }

  /** Sends with retries; returns how many messages still failed at the end. */
  private async sendAll(entry: OutboxEntry, pending: Pending[], lost: () => boolean): Promise<number> {
    const { event } = entry;
    const metrics = this.metrics;
    /** Platforms FCM accepted a message of this entry for: the payload is fine there. */
    const acceptedOn = new Set<Platform>();
    const ambiguous: PushTarget[] = [];
    let firstAccepted = true;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const failed: Pending[] = [];
      for (let i = 0; i < pending.length; i += MAX_PUSH_BATCH) {
        if (lost()) return 0;
        const batch = pending.slice(i, i + MAX_PUSH_BATCH);
        let outcomes;
        try {
          outcomes = await this.sender.send(batch.map((item) => item.message));
        } catch (error) {
          this.log.warn({ err: error instanceof Error ? error.message : error, gameId: event.gameId }, "push batch failed");
          failed.push(...batch);
          continue;
        }
        const accepted: string[] = [];
        for (let k = 0; k < batch.length; k++) {
          const outcome = outcomes[k];
          if (outcome.ok) {
            accepted.push(batch[k].key);
            acceptedOn.add(batch[k].target.platform);
          } else if (outcome.dropToken) await this.directory.dropToken(batch[k].target.playerId, batch[k].target.token);
          else if (outcome.ambiguous) ambiguous.push(batch[k].target);
          else if (outcome.retry) failed.push(batch[k]);
          else this.log.warn({ code: outcome.code, gameId: event.gameId, kind: event.kind }, "push refused");
        }
        // Recorded first, so a takeover from here on skips these devices.
        await this.outbox.recordDelivered(entry.id, accepted);
        if (accepted.length > 0 && firstAccepted) {
          firstAccepted = false;
          metrics.pushLatency((this.clock.now() - event.at) / 1000);
        }
      }
      if (failed.length === 0 || attempt >= this.options.retryDelaysMs.length) {
        await this.settleAmbiguous(event, ambiguous, acceptedOn);
        return failed.length;
      }
      await delay(this.options.retryDelaysMs[attempt]);
      pending = failed;
    }
    await this.settleAmbiguous(event, ambiguous, acceptedOn);
    return 0;
  }

  /**
   * INVALID_ARGUMENT is the token's fault only where the same message was accepted for
   * another device of that platform; refused for every device of a platform, it is the
   * payload's: a bug to log and count, and no token is dropped for it.
   */
  private async settleAmbiguous(event: PushEvent, refused: readonly PushTarget[], acceptedOn: ReadonlySet<Platform>): Promise<void> {
    const payloadErrors = new Map<Platform, number>();
    for (const target of refused) {
      if (acceptedOn.has(target.platform)) await this.directory.dropToken(target.playerId, target.token);
      else payloadErrors.set(target.platform, (payloadErrors.get(target.platform) ?? 0) + 1);
    }
    for (const [platform, count] of payloadErrors) {
      this.metrics.pushFailed("payload", count);
      this.log.error({ gameId: event.gameId, kind: event.kind, platform, count }, "FCM refused the push payload (INVALID_ARGUMENT for every device of a platform): a bug; no token dropped");
    }
  }
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
