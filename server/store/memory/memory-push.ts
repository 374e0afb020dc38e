import { PUSH_STAGES, type Platform, type PushEvent, type PushStage, type PushTarget } from "../../domain/push-messages";
import { isBackgrounded } from "../../domain/presence";
import type { Clock } from "../../ports/clock";
import { systemClock } from "../../ports/clock";
import type { DeviceLimits, GateState, OutboxEntry, PlayerDirectory, PlayerJoin, PushAudienceFilter, PushGate, PushOutbox } from "../../ports/push-ports";
import type { PushPrefs, PushPrefsPayload } from "../../../shared/protocol/push-prefs";
import type { ZoneFormatters } from "../../domain/push-prefs";
import { applyPushPrefs, NO_PUSH_PREFS, pushVerdict } from "../../domain/push-prefs";
import { DEFAULT_DEVICE_LIMITS } from "../../ports/push-ports";

interface PlayerRecord {
  /** token -> platform and when it was last registered (ms). */
  readonly tokens: Map<string, { platform: Platform; at: number }>;
  appState: "foreground" | "background" | null;
  sockets: number;
  goneSince: number | null;
  prefs: PushPrefs;
  /** The games the player joined: a close or a background marks them away in each. */
  readonly games: Set<string>;
  /** When the preferences were last written or a token registered: they live as long as the devices. */
  prefsAt: number;
}

/** The one-node directory: everything in this process (its sockets are all there is). */
export class MemoryPlayerDirectory implements PlayerDirectory {
  private readonly players = new Map<string, PlayerRecord>();
  private readonly audiences = new Map<string, Set<string>>();
  /**
   * Per game, the players who may be away (a socket closed, the app went to the background):
   * a push event reads these, not the whole audience, as the Redis index does. One process
   * holds every socket, so a player out of it has a socket open until a close marks them again.
   */
  private readonly away = new Map<string, Set<string>>();
  /** token -> the player it belongs to. */
  private readonly owners = new Map<string, string>();
  /** Every registered token, oldest registration first (re-inserted when registered again): expired ones are trimmed from the front. */
  private readonly registrations = new Map<string, { platform: Platform; at: number }>();
  private readonly tokenCounts: Record<Platform, number> = { android: 0, ios: 0, web: 0 };
  private readonly formatters: ZoneFormatters = new Map();

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly limits: DeviceLimits = DEFAULT_DEVICE_LIMITS,
  ) {}

  async registerToken(playerId: string, token: string, platform: Platform): Promise<void> {
    const previous = this.owners.get(token);
    if (previous !== undefined && previous !== playerId) this.players.get(previous)?.tokens.delete(token);
    this.owners.set(token, playerId);
    const record = this.player(playerId);
    const { tokens } = record;
    const at = this.clock.now();
    tokens.delete(token); // re-inserted last: the Map's order is the registration order
    tokens.set(token, { platform, at });
    record.prefsAt = at;
    this.uncount(token);
    this.registrations.set(token, { platform, at });
    this.tokenCounts[platform] += 1;
    for (const oldest of tokens.keys()) {
      if (tokens.size <= this.limits.maxTokensPerPlayer) break;
      await this.dropToken(playerId, oldest);
    }
  }

  async dropToken(playerId: string, token: string): Promise<void> {
    if (this.players.get(playerId)?.tokens.delete(token)) this.uncount(token);
    if (this.owners.get(token) === playerId) this.owners.delete(token);
  }

  async setPushPrefs(playerId: string, change: PushPrefsPayload): Promise<PushPrefs> {
    const record = this.player(playerId);
    const now = this.clock.now();
    record.prefs = applyPushPrefs(this.prefsOf(record, now), change);
    if (change.muted !== undefined || change.quietHours !== undefined) record.prefsAt = now;
    return this.prefsOf(record, now);
  }

  async tokensByPlatform(): Promise<Record<Platform, number>> {
    const now = this.clock.now();
    for (const [token, { at }] of this.registrations) {
      if (now - at < this.limits.tokenTtlMs) break;
      const owner = this.owners.get(token);
      if (owner !== undefined) await this.dropToken(owner, token);
      this.uncount(token);
    }
    return { ...this.tokenCounts };
  }

  private uncount(token: string): void {
    const registration = this.registrations.get(token);
    if (!registration) return;
    this.registrations.delete(token);
    this.tokenCounts[registration.platform] -= 1;
  }

  /** The stored preferences, or none once they outlived the player's devices (Redis lets them expire). */
  private prefsOf(record: PlayerRecord, now: number): PushPrefs {
    return now - record.prefsAt < this.limits.tokenTtlMs ? record.prefs : NO_PUSH_PREFS;
  }

  async joined(gameId: string, playerId: string, instance?: string): Promise<void> {
    let audience = this.audiences.get(gameId);
    if (!audience) this.audiences.set(gameId, (audience = new Set()));
    audience.add(playerId);
    const record = this.player(playerId);
    record.games.add(gameId);
    record.appState = "foreground";
    // Joined from a socket that is open: not away. From one already closed: a candidate.
    if (instance === undefined) this.awayOf(gameId).add(playerId);
    else this.away.get(gameId)?.delete(playerId);
  }

  /** All of the batch at once (joined() has no await), so nothing said after the call can come before it. */
  async joinedMany(gameId: string, joins: readonly PlayerJoin[]): Promise<void> {
    await Promise.all(joins.map(({ playerId, instance }) => this.joined(gameId, playerId, instance)));
  }

  async setAppState(playerId: string, state: "foreground" | "background"): Promise<void> {
    const record = this.player(playerId);
    record.appState = state;
    if (state === "background") this.markAway(playerId, record);
  }

  private markAway(playerId: string, record: PlayerRecord): void {
    for (const gameId of record.games) this.awayOf(gameId).add(playerId);
  }

  private awayOf(gameId: string): Set<string> {
    let away = this.away.get(gameId);
    if (!away) this.away.set(gameId, (away = new Set()));
    return away;
  }

  async socketOpened(playerId: string): Promise<void> {
    this.player(playerId).sockets += 1;
  }

  async socketClosed(playerId: string): Promise<void> {
    const record = this.player(playerId);
    record.sockets = Math.max(0, record.sockets - 1);
    if (record.sockets === 0) record.goneSince = this.clock.now();
    this.markAway(playerId, record);
  }

  /** One process: its counts live and die with it, nothing to restore. */
  async heartbeat(): Promise<boolean> {
    return false;
  }

  async restoreSockets(): Promise<void> {}

  async pushTargets(gameId: string, players: readonly string[] | null, graceMs: number, push?: PushAudienceFilter): Promise<PushTarget[]> {
    const now = this.clock.now();
    const targets: PushTarget[] = [];
    const away = players ? null : this.away.get(gameId);
    for (const playerId of players ?? [...(away ?? [])]) {
      const record = this.players.get(playerId);
      if (!record || !isBackgrounded({ appState: record.appState, liveSockets: record.sockets, goneSince: record.goneSince }, now, graceMs)) {
        // Connected in the foreground: no longer a candidate (a close or a background marks them again).
        if (record && record.sockets > 0 && record.appState !== "background") away?.delete(playerId);
        continue;
      }
      const prefs = this.prefsOf(record, now);
      for (const [token, { platform, at }] of record.tokens) {
        if (now - at >= this.limits.tokenTtlMs) await this.dropToken(playerId, token);
        else if (!push || pushVerdict(prefs, push.kind, push.alert || platform === "web", push.at, this.formatters) === "send") targets.push({ playerId, token, platform });
      }
    }
    return targets;
  }

  async presenceOf(players: readonly string[]): Promise<("connected" | "away")[]> {
    return players.map((playerId) => {
      const record = this.players.get(playerId);
      return record && record.sockets > 0 && record.appState !== "background" ? "connected" : "away";
    });
  }

  private player(playerId: string): PlayerRecord {
    let record = this.players.get(playerId);
    if (!record) this.players.set(playerId, (record = { tokens: new Map(), appState: null, sockets: 0, goneSince: null, prefs: NO_PUSH_PREFS, games: new Set(), prefsAt: -Infinity }));
    return record;
  }
}

/** The one-node outbox: a queue in this process with the same take/ack/reclaim contract. */
export class MemoryPushOutbox implements PushOutbox {
  private readonly queue: OutboxEntry[] = [];
  private readonly taken = new Map<string, { entry: OutboxEntry; consumer: string; at: number }>();
  private readonly deliveries = new Map<string, Set<string>>();
  /** Entries that exhausted their retries (kept for inspection; a process restart loses them). */
  readonly deadLetters: { entry: OutboxEntry; failed: number; reason: string }[] = [];
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
    for (const id of ids) {
      this.taken.delete(id);
      this.deliveries.delete(id);
    }
  }

  async renew(consumer: string, ids: readonly string[]): Promise<string[]> {
    const mine: string[] = [];
    for (const id of ids) {
      const taken = this.taken.get(id);
      if (taken?.consumer !== consumer) continue;
      taken.at = this.clock.now();
      mine.push(id);
    }
    return mine;
  }

  async delivered(entryId: string): Promise<Set<string>> {
    return new Set(this.deliveries.get(entryId));
  }

  async recordDelivered(entryId: string, keys: readonly string[]): Promise<void> {
    let record = this.deliveries.get(entryId);
    if (!record) this.deliveries.set(entryId, (record = new Set()));
    for (const key of keys) record.add(key);
  }

  async deadLetter(entry: OutboxEntry, failed: number, reason: string): Promise<void> {
    this.deadLetters.push({ entry, failed, reason });
    if (this.deadLetters.length > this.maxLength) this.deliveries.delete(this.deadLetters.shift()!.entry.id);
    this.taken.delete(entry.id);
  }

  /** Age (ms) of the oldest event not yet sent, null when none (for metrics). */
  oldestAgeMs(): number | null {
    let oldest = Infinity;
    for (const entry of this.queue) oldest = Math.min(oldest, entry.event.at);
    for (const { entry } of this.taken.values()) oldest = Math.min(oldest, entry.event.at);
    return oldest === Infinity ? null : Math.max(0, this.clock.now() - oldest);
  }

  /** Entries not yet sent: waiting, or taken and not acknowledged (for metrics). */
  get depth(): number {
    return this.queue.length + this.taken.size;
  }

  async close(): Promise<void> {
    this.wake?.();
  }
}

/** The one-node gate, with the same rules as the Redis one (push.lua). */
export class MemoryPushGate implements PushGate {
  private readonly games = new Map<string, { stage: PushStage | null; version: number; band: number }>();

  async phase(gameId: string, stage: PushStage, version: number, band = 0): Promise<"passed" | "stale"> {
    const game = this.game(gameId);
    if (stage === "open" ? version <= game.version : game.stage !== null && PUSH_STAGES.indexOf(stage) <= PUSH_STAGES.indexOf(game.stage)) return "stale";
    game.stage = stage;
    game.version = Math.max(game.version, version);
    if (stage === "open") game.band = band;
    return "passed";
  }

  async count(gameId: string, version: number, band: number): Promise<"passed" | "same-band" | "stale"> {
    const game = this.game(gameId);
    if (game.stage !== "open" || version <= game.version) return "stale";
    if (band <= game.band) return "same-band";
    game.version = version;
    game.band = band;
    return "passed";
  }

  async current(gameId: string): Promise<GateState> {
    const { stage, version } = this.game(gameId);
    return { stage, version };
  }

  private game(gameId: string) {
    let game = this.games.get(gameId);
    if (!game) this.games.set(gameId, (game = { stage: null, version: -1, band: 0 }));
    return game;
  }
}
