import type { Platform, PushEvent, PushTarget } from "../../domain/push-messages";
import { isBackgrounded } from "../../domain/presence";
import type { Clock } from "../../ports/clock";
import { systemClock } from "../../ports/clock";
import type { OutboxEntry, PlayerDirectory, PushGate, PushOutbox } from "../../ports/push-ports";

interface PlayerRecord {
  readonly tokens: Map<string, Platform>;
  appState: "foreground" | "background" | null;
  sockets: number;
  goneSince: number | null;
}

/** The one-node directory: everything in this process (its sockets are all there is). */
export class MemoryPlayerDirectory implements PlayerDirectory {
  private readonly players = new Map<string, PlayerRecord>();
  private readonly audiences = new Map<string, Set<string>>();

  constructor(private readonly clock: Clock = systemClock) {}

  async registerToken(playerId: string, token: string, platform: Platform): Promise<void> {
    this.player(playerId).tokens.set(token, platform);
  }

  async dropToken(playerId: string, token: string): Promise<void> {
    this.players.get(playerId)?.tokens.delete(token);
  }

  async joined(gameId: string, playerId: string): Promise<void> {
    let audience = this.audiences.get(gameId);
    if (!audience) this.audiences.set(gameId, (audience = new Set()));
    audience.add(playerId);
    this.player(playerId).appState = "foreground";
  }

  async setAppState(playerId: string, state: "foreground" | "background"): Promise<void> {
    this.player(playerId).appState = state;
  }

  async socketOpened(playerId: string): Promise<void> {
    this.player(playerId).sockets += 1;
  }

  async socketClosed(playerId: string): Promise<void> {
    const record = this.player(playerId);
    record.sockets = Math.max(0, record.sockets - 1);
    if (record.sockets === 0) record.goneSince = this.clock.now();
  }

  async heartbeat(): Promise<void> {}

  async pushTargets(gameId: string, players: readonly string[] | null, graceMs: number): Promise<PushTarget[]> {
    const now = this.clock.now();
    const targets: PushTarget[] = [];
    for (const playerId of players ?? this.audiences.get(gameId) ?? []) {
      const record = this.players.get(playerId);
      if (!record || !isBackgrounded({ appState: record.appState, liveSockets: record.sockets, goneSince: record.goneSince }, now, graceMs)) continue;
      for (const [token, platform] of record.tokens) targets.push({ playerId, token, platform });
    }
    return targets;
  }

  private player(playerId: string): PlayerRecord {
    let record = this.players.get(playerId);
    if (!record) this.players.set(playerId, (record = { tokens: new Map(), appState: null, sockets: 0, goneSince: null }));
    return record;
  }
}

/** The one-node outbox: a queue in this process with the same take/ack/reclaim contract. */
export class MemoryPushOutbox implements PushOutbox {
  private readonly queue: OutboxEntry[] = [];
  private readonly taken = new Map<string, { entry: OutboxEntry; consumer: string; at: number }>();
  private nextId = 1;
  private wake: (() => void) | null = null;

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly maxLength = 100_000,
  ) {}

  async append(event: PushEvent): Promise<void> {
    this.queue.push({ id: String(this.nextId++), event });
    if (this.queue.length > this.maxLength) this.queue.shift();
    this.wake?.();
  }

  async take(consumer: string, count: number, waitMs: number): Promise<OutboxEntry[]> {
    if (this.queue.length === 0 && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, waitMs);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = null;
    }
    const entries = this.queue.splice(0, count);
    for (const entry of entries) this.taken.set(entry.id, { entry, consumer, at: this.clock.now() });
    return entries;
  }

  async reclaim(consumer: string, idleMs: number, count: number): Promise<OutboxEntry[]> {
    const now = this.clock.now();
    const entries: OutboxEntry[] = [];
    for (const taken of this.taken.values()) {
      if (entries.length >= count) break;
      if (now - taken.at < idleMs) continue;
      taken.consumer = consumer;
      taken.at = now;
      entries.push(taken.entry);
    }
    return entries;
  }

  async ack(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.taken.delete(id);
  }

  /** Entries not yet sent: waiting, or taken and not acknowledged (for metrics). */
  get depth(): number {
    return this.queue.length + this.taken.size;
  }

  async close(): Promise<void> {
    this.wake?.();
  }
}

export class MemoryPushGate implements PushGate {
  private readonly passed = new Map<string, { version: number; at: number }>();

  constructor(private readonly clock: Clock = systemClock) {}

  async pass(gameId: string, kind: string, version: number, intervalMs: number): Promise<"passed" | "too-soon" | "stale"> {
    const key = `${kind}:${gameId}`;
    const now = this.clock.now();
    const last = this.passed.get(key);
    if (last && version <= last.version) return "stale";
    if (last && now - last.at < intervalMs) return "too-soon";
    this.passed.set(key, { version, at: now });
    return "passed";
  }
}
