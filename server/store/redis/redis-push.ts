import { createHash } from "node:crypto";
import calculateSlot from "cluster-key-slot";
import { PUSH_STAGES, type Platform, type PushEvent, type PushStage, type PushTarget } from "../../domain/push-messages";
import { isBackgrounded } from "../../domain/presence";
import type { DeviceLimits, GateState, OutboxEntry, PlayerDirectory, PlayerJoin, PushAudienceFilter, PushGate, PushOutbox } from "../../ports/push-ports";
import type { PushPrefs, PushPrefsPayload } from "../../../shared/protocol/push-prefs";
import type { ZoneFormatters } from "../../domain/push-prefs";
import { applyPushPrefs, NO_PUSH_PREFS, pushPrefsFromStored, pushVerdict, storedPushPrefs } from "../../domain/push-prefs";
import { DEFAULT_DEVICE_LIMITS } from "../../ports/push-ports";
import { StoreNotReachedError } from "../../ports/store-not-reached";
import type { RedisClient } from "./connection";
import { isCluster, readyToSend } from "./connection";
import type { ChainableCommander } from "ioredis";
import { gameKeys } from "./keys";
import { awayKeys, RedisAwayIndex } from "./redis-away-index";
import { isMissingFunction, replyErrorCode } from "./reply-errors";
import { loadFunctionLibrary } from "./function-library";

const NODES = "bingo:nodes";
const STREAM = "bingo:push";
/** Entries that exhausted their retries (see scripts/push-replay.ts). */
export const DEAD_LETTERS = "bingo:push:dead";
const DEAD_LETTERS_MAX = 100_000;
/** Delivery records outlive any retry or takeover of their entry, and a day of replays. */
const DELIVERY_TTL_S = 24 * 3600;
const deliveredKey = (entryId: string) => `bingo:push:sent:${entryId}`;
const GROUP = "push";
const PLAYER_TTL_S = 7 * 24 * 3600;
const PIPELINE_CHUNK = 500;

export const playerKeys = (playerId: string) => {
  const tag = `bingo:{p:${playerId}}`;
  return { presence: `${tag}:presence`, tokens: `${tag}:tokens`, prefs: `${tag}:pushprefs`, games: `${tag}:games` };
};

const PLATFORMS: readonly Platform[] = ["android", "ios", "web"];
/** The token counts' sorted sets (see push.lua), per platform, in PLATFORMS order. */
const tokenCountKeys = (prefix: string): string[] => PLATFORMS.map((platform) => `${prefix}:${platform}`);
const SINGLE_COUNT_KEYS = tokenCountKeys("bingo:push:tokens");
let slotTags: string[] | null = null;
/**
 * Per hash slot, a hash tag that lands in it. In a Cluster a Redis function may only touch
 * keys of one slot, so a player's token counts live in their own slot: the counts of slot s
 * are `bingo:{<slotTags[s]>}:pushtokens:<platform>`, summed over the 16,384 slots to read.
 */
function tagsBySlot(): string[] {
  if (slotTags) return slotTags;
  const tags: string[] = new Array(16384);
  let found = 0;
  for (let i = 0; found < tags.length; i++) {
    const slot = calculateSlot(`t${i}`);
    if (tags[slot] === undefined) {
      tags[slot] = `t${i}`;
      found++;
    }
  }
  return (slotTags = tags);
}
const gateKey = (gameId: string) => `bingo:{${gameId}}:pushgate`;
/** Which player a device token belongs to (the token hashed: tokens run to 4 KB). */
const ownerKey = (token: string) => `bingo:{t:${createHash("sha256").update(token).digest("base64url").slice(0, 22)}}:owner`;

export interface RedisDirectoryOptions extends DeviceLimits {
  /** An instance that has not beaten for this long is taken for dead: its sockets no longer count. */
  readonly nodeTimeoutMs: number;
  /** On a Cluster, token counts are read again only when older than this (the read is one call per hash slot). */
  readonly tokenCountMaxAgeMs: number;
}

/**
 * Presence, devices and audiences in Redis, shared by every node.
 *
 * Presence hash per player: `app` (foreground/background), `gone` (ms the last socket
 * closed), and `n:<instance>` = sockets open on that node instance. An instance is one
 * start of a node (NODE_ID plus a random part), so a node restarted under the same NODE_ID
 * never revives the counts of the sockets that died with its former self. Counts of an
 * instance missing from the heartbeat set for `nodeTimeoutMs` are ignored, and their
 * players count as gone since its last beat.
 *
 * Tokens hash per player: token -> "platform:registeredMs"; and per token an owner key.
 * Games set per player: the games they joined, so a close or a background marks them in
 * each game's away index (RedisAwayIndex), which a push event reads instead of the audience.
 *
 * The writes a client asks for (tokens, app state) throw StoreNotReachedError when they
 * were never sent (nothing done); any other throw means they were sent and may have run.
 */
export class RedisPlayerDirectory implements PlayerDirectory {
  private readonly options: RedisDirectoryOptions;
  private readonly formatters: ZoneFormatters = new Map();
  private readonly index: RedisAwayIndex;
  /** Joins in flight on this node, per player (see joined). */
  private readonly joining = new Map<string, Promise<void>>();
  /** A Cluster's token counts, read at most every tokenCountMaxAgeMs (the read is one call per slot). */
  private clusterCounts: { at: number; value: Promise<Record<Platform, number>> } | null = null;

  constructor(
    private readonly redis: RedisClient,
    options: Partial<RedisDirectoryOptions> = {},
  ) {
    this.options = { ...DEFAULT_DEVICE_LIMITS, nodeTimeoutMs: 15_000, tokenCountMaxAgeMs: 30_000, ...options };
    this.index = new RedisAwayIndex(redis);
  }

  async registerToken(playerId: string, token: string, platform: Platform): Promise<void> {
    const ttlS = Math.ceil(this.options.tokenTtlMs / 1000);
    this.mustReach(ownerKey(token));
    // The token moves to this player: off the previous owner's devices first.
    const previous = (await this.redis.call("SET", ownerKey(token), playerId, "EX", ttlS, "GET")) as string | null;
    if (previous !== null && previous !== playerId) await this.drop(previous, token);
    const k = playerKeys(playerId);
    const dropped = (await this.redis.fcall("bingo_push_register", 5, k.tokens, k.prefs, ...this.countKeysOf(playerId), token, platform, this.options.maxTokensPerPlayer, ttlS)) as string[];
    await Promise.all(dropped.map((old) => this.disown(playerId, old)));
  }

  async dropToken(playerId: string, token: string): Promise<void> {
    this.mustReach(playerKeys(playerId).tokens);
    await this.drop(playerId, token);
    await this.disown(playerId, token);
  }

  /** Off the player's devices, and off the token counts in the same call. */
  private async drop(playerId: string, token: string): Promise<void> {
    await this.redis.fcall("bingo_push_drop", 4, playerKeys(playerId).tokens, ...this.countKeysOf(playerId), token);
  }

  /** The token count keys a player's devices are counted in (their own slot in a Cluster). */
  private countKeysOf(playerId: string): string[] {
    if (!isCluster(this.redis)) return SINGLE_COUNT_KEYS;
    return tokenCountKeys(`bingo:{${tagsBySlot()[calculateSlot(playerKeys(playerId).tokens)]}}:pushtokens`);
  }

  async setPushPrefs(playerId: string, change: PushPrefsPayload): Promise<PushPrefs> {
    const key = playerKeys(playerId).prefs;
    this.mustReach(key);
    const stored = storedPushPrefs(applyPushPrefs(NO_PUSH_PREFS, change));
    const transaction = this.redis.multi();
    if (change.muted !== undefined) transaction.hset(key, "muted", stored.muted);
    if (change.quietHours === null) transaction.hdel(key, "quiet");
    else if (change.quietHours !== undefined) transaction.hset(key, "quiet", stored.quiet!);
    if (change.muted !== undefined || change.quietHours !== undefined) transaction.expire(key, Math.ceil(this.options.tokenTtlMs / 1000));
    transaction.hgetall(key);
    const reply = (await transaction.exec())!;
    const [error, fields] = reply[reply.length - 1] as [Error | null, Record<string, string>];
    if (error) throw error;
    return pushPrefsFromStored(fields.muted, fields.quiet);
  }

  async tokensByPlatform(): Promise<Record<Platform, number>> {
    const ttlMs = this.options.tokenTtlMs;
    const totals: Record<Platform, number> = { android: 0, ios: 0, web: 0 };
    const add = (counts: number[]) => PLATFORMS.forEach((platform, i) => (totals[platform] += counts[i]));
    if (!isCluster(this.redis)) {
      add((await this.redis.fcall("bingo_push_token_count", 3, ...SINGLE_COUNT_KEYS, ttlMs)) as number[]);
      return totals;
    }
    if (this.clusterCounts && Date.now() - this.clusterCounts.at < this.options.tokenCountMaxAgeMs) return this.clusterCounts.value;
    const value = this.readClusterCounts(totals, add, ttlMs);
    this.clusterCounts = { at: Date.now(), value };
    value.catch(() => (this.clusterCounts = null));
    return value;
  }

  /** One call per slot (a fixed 16,384, however many players), a chunk at a time. */
  private async readClusterCounts(totals: Record<Platform, number>, add: (counts: number[]) => void, ttlMs: number): Promise<Record<Platform, number>> {
    const tags = tagsBySlot();
    for (let i = 0; i < tags.length; i += PIPELINE_CHUNK) {
      const replies = await Promise.all(
        tags.slice(i, i + PIPELINE_CHUNK).map((tag) => this.redis.fcall("bingo_push_token_count", 3, ...tokenCountKeys(`bingo:{${tag}}:pushtokens`), ttlMs) as Promise<number[]>),
      );
      replies.forEach(add);
    }
    return totals;
  }

  private async disown(playerId: string, token: string): Promise<void> {
    await this.redis.fcall("bingo_push_disown", 1, ownerKey(token), playerId);
  }

  async joined(gameId: string, playerId: string, instance?: string): Promise<void> {
    await this.joinedMany(gameId, [{ playerId, instance }]);
  }

  async joinedMany(gameId: string, joins: readonly PlayerJoin[]): Promise<void> {
    if (joins.length === 0) return;
    // A close of a joining socket waits for the join (socketClosed): it then finds the game
    // among the player's and marks them away after the join took them out.
    const previous = joins.map((join) => this.joining.get(join.playerId)?.catch(() => undefined));
    const batch = Promise.all(previous).then(() => this.join(gameId, joins));
    for (const join of joins) this.joining.set(join.playerId, batch);
    try {
      await batch;
    } finally {
      for (const join of joins) if (this.joining.get(join.playerId) === batch) this.joining.delete(join.playerId);
    }
  }

  /**
   * In this order: (1) the game among each player's, so a close or a background from now on
   * marks them away in it; (2) the audience and the away index; (3) the foreground. On one
   * Redis, all three in one function call per PIPELINE_CHUNK players (lua/push-join.lua), so a
   * background lands before them all (and (3) overwrites it: the join is the later word) or
   * after them all. On a Cluster each step follows the one before, each one pipeline per
   * serving node for the whole batch ((2) one call per PIPELINE_CHUNK players in the game's
   * slot): a background written before (3) and marked after (2) leaves them marked; marked
   * before (2), it is overwritten by (3).
   */
  private async join(gameId: string, joins: readonly PlayerJoin[]): Promise<void> {
    if (!isCluster(this.redis)) return this.joinOnOneRedis(gameId, joins);
    const players = [...new Set(joins.map((join) => join.playerId))];
    await this.perNode(players.map((playerId) => playerKeys(playerId).games), (pipeline, key) => pipeline.sadd(key, gameId).expire(key, PLAYER_TTL_S));
    await this.index.joinedMany(gameId, joins, PIPELINE_CHUNK);
    await this.perNode(players.map((playerId) => playerKeys(playerId).presence), (pipeline, key) => pipeline.hset(key, "app", "foreground").expire(key, PLAYER_TTL_S));
  }

  /**
   * `join` on one Redis: the three steps in one call per chunk, in one pipeline (a
   * 20,000-player join storm sent four commands per player). A Redis without the function
   * (restarted without persistence, or a node of an earlier version loaded its library over
   * ours during a rolling deploy) gets the library again and the write runs once more:
   * every step is safe to repeat.
   */
  private async joinOnOneRedis(gameId: string, joins: readonly PlayerJoin[]): Promise<void> {
    const a = awayKeys(gameId);
    const write = async (): Promise<void> => {
      const pipeline = this.redis.pipeline();
      for (let i = 0; i < joins.length; i += PIPELINE_CHUNK) {
        const keys = [a.audience, gameKeys(gameId).game, a.away, a.seq, a.on, a.instances];
        const args: (string | number)[] = [gameId, PLAYER_TTL_S];
        for (const join of joins.slice(i, i + PIPELINE_CHUNK)) {
          const k = playerKeys(join.playerId);
          keys.push(k.games, k.presence);
          args.push(join.playerId, join.instance ?? "");
        }
        pipeline.fcall("bingo_push_players_joined", keys.length, ...keys, ...args);
      }
      for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
    };
    try {
      await write();
    } catch (error) {
      if (!isMissingFunction(error)) throw error;
      await loadFunctionLibrary(this.redis, { bestEffort: true });
      await write();
    }
  }

  /** One pipeline per serving node, each key's commands on the node that serves it; throws the first error. */
  private async perNode(keys: readonly string[], write: (pipeline: ChainableCommander, key: string) => void): Promise<void> {
    const pipelines = new Map<string, ChainableCommander>();
    for (const key of keys) {
      const node = servingNodeOf(this.redis, key);
      let pipeline = pipelines.get(node);
      if (!pipeline) pipelines.set(node, (pipeline = this.redis.pipeline()));
      write(pipeline, key);
    }
    const replies = await Promise.all([...pipelines.values()].map((pipeline) => pipeline.exec()));
    for (const reply of replies) for (const [error] of reply ?? []) if (error) throw error;
  }

  async setAppState(playerId: string, state: "foreground" | "background"): Promise<void> {
    const k = playerKeys(playerId);
    this.mustReach(k.presence);
    // After the player's join being written (joinedMany): its foreground step must not
    // overwrite a background said while the join was being written.
    await this.joining.get(playerId)?.catch(() => undefined);
    const transaction = this.redis.multi().hset(k.presence, "app", state).expire(k.presence, PLAYER_TTL_S);
    if (state === "foreground") {
      await transaction.exec();
      return;
    }
    const reply = await transaction.smembers(k.games).exec();
    await this.markAway(playerId, (reply?.[2]?.[1] ?? []) as string[], "");
  }

  /** Marks the player away in each of their games, after the presence write that may make them away; forgets the games that are gone. */
  private async markAway(playerId: string, games: readonly string[], instance: string): Promise<void> {
    const gone = await this.index.mark(playerId, games, instance);
    if (gone.length > 0) await this.redis.srem(playerKeys(playerId).games, ...gone);
  }

  async socketOpened(playerId: string, instance: string): Promise<void> {
    const k = playerKeys(playerId);
    await this.redis.multi().hincrby(k.presence, `n:${instance}`, 1).expire(k.presence, PLAYER_TTL_S).exec();
  }

  async socketClosed(playerId: string, instance: string): Promise<void> {
    await this.joining.get(playerId)?.catch(() => undefined);
    // `gone` only matters once no live instance counts a socket for the player.
    const k = playerKeys(playerId);
    const reply = await this.redis.multi().hincrby(k.presence, `n:${instance}`, -1).hset(k.presence, "gone", Date.now()).smembers(k.games).exec();
    const left = Number(reply?.[0]?.[1] ?? 0);
    await this.markAway(playerId, (reply?.[2]?.[1] ?? []) as string[], left > 0 ? "" : instance);
  }

  async heartbeat(instance: string): Promise<boolean> {
    const now = Date.now();
    const reply = await this.redis
      .multi()
      .zadd(NODES, now, instance)
      .zremrangebyscore(NODES, 0, now - 10 * this.options.nodeTimeoutMs)
      .exec();
    return reply?.[0]?.[1] === 1;
  }

  async restoreSockets(instance: string, counts: ReadonlyMap<string, number>): Promise<void> {
    const entries = [...counts];
    for (let i = 0; i < entries.length; i += PIPELINE_CHUNK) {
      await Promise.all(
        entries.slice(i, i + PIPELINE_CHUNK).map(([playerId, count]) => {
          const k = playerKeys(playerId);
          return this.redis.multi().hset(k.presence, `n:${instance}`, count).expire(k.presence, PLAYER_TTL_S).exec();
        }),
      );
    }
  }

  async pushTargets(gameId: string, players: readonly string[] | null, graceMs: number, push?: PushAudienceFilter): Promise<PushTarget[]> {
    const now = Date.now();
    // Every instance that beat within the pruning horizon, with its last beat.
    const beats = await this.redis.zrangebyscore(NODES, "-inf", "+inf", "WITHSCORES");
    const lastBeat = new Map<string, number>();
    for (let i = 0; i < beats.length; i += 2) lastBeat.set(beats[i], Number(beats[i + 1]));
    const alive = (instance: string) => now - (lastBeat.get(instance) ?? 0) < this.options.nodeTimeoutMs;
    // The game's candidates from its away index; the whole audience only for a
    // game whose audience started before the index existed.
    const index = players ? null : await this.index.candidates(gameId, [...lastBeat.keys()].filter(alive));
    const audience = players ?? (index ? [...index.keys()] : await this.redis.smembers(awayKeys(gameId).audience));
    /** Candidates found connected in the foreground: [player, a live instance with their socket]. */
    const back: [string, string][] = [];
    const targets: PushTarget[] = [];
    const seen = new Set<string>();
    const expired: [string, string][] = [];
    for (let i = 0; i < audience.length; i += PIPELINE_CHUNK) {
      const groups = byServingNode(this.redis, audience.slice(i, i + PIPELINE_CHUNK));
      const read = await Promise.all(groups.map((group) => this.readPlayers(group)));
      groups.forEach((group, g) =>
        group.forEach((playerId, n) => {
          const presence = (read[g][3 * n][1] ?? {}) as Record<string, string>;
          const tokens = (read[g][3 * n + 1][1] ?? {}) as Record<string, string>;
          const stored = (read[g][3 * n + 2][1] ?? {}) as Record<string, string>;
          let liveSockets = 0;
          let liveOn: string | null = null;
          let goneSince = presence.gone ? Number(presence.gone) : null;
          for (const [field, value] of Object.entries(presence)) {
            const count = Number(value);
            if (!field.startsWith("n:") || !(count > 0)) continue;
            const instance = field.slice(2);
            if (alive(instance)) {
              liveSockets += count;
              liveOn ??= instance;
            }
            // Sockets of a dead instance closed, unseen, when it last beat (or long ago).
            else goneSince = Math.max(goneSince ?? 0, lastBeat.get(instance) ?? 0);
          }
          const appState = presence.app === "background" || presence.app === "foreground" ? presence.app : null;
          if (!isBackgrounded({ appState, liveSockets, goneSince }, now, graceMs)) {
            if (index && liveOn !== null && appState !== "background") back.push([playerId, liveOn]);
            return;
          }
          const prefs = push ? pushPrefsFromStored(stored.muted, stored.quiet) : NO_PUSH_PREFS;
          for (const [token, value] of Object.entries(tokens)) {
            const [platform, at] = value.split(":");
            if (at !== undefined && now - Number(at) >= this.options.tokenTtlMs) {
              expired.push([playerId, token]);
              continue;
            }
            if (push && pushVerdict(prefs, push.kind, push.alert || platform === "web", push.at, this.formatters) !== "send") continue;
            if (seen.has(token)) continue;
            seen.add(token);
            targets.push({ playerId, token, platform: platform as Platform });
          }
        }),
      );
    }
    // Pruned here, where they are found: a token the app has not registered again for the TTL.
    await Promise.all(expired.map(([playerId, token]) => this.dropToken(playerId, token)));
    if (index) await this.index.settle(gameId, index, back);
    return targets;
  }

  async presenceOf(players: readonly string[]): Promise<("connected" | "away")[]> {
    const now = Date.now();
    const beats = await this.redis.zrangebyscore(NODES, now - this.options.nodeTimeoutMs, "+inf");
    const live = new Set(beats);
    const answer = new Map<string, "connected" | "away">();
    const groups = byServingNode(this.redis, players);
    const read = await Promise.all(
      groups.map((group) => {
        const pipeline = this.redis.pipeline();
        for (const playerId of group) pipeline.hgetall(playerKeys(playerId).presence);
        return pipeline.exec();
      }),
    );
    groups.forEach((group, g) =>
      group.forEach((playerId, n) => {
        const [error, value] = read[g]![n];
        if (error) throw error;
        const presence = (value ?? {}) as Record<string, string>;
        const open = Object.entries(presence).some(([field, count]) => field.startsWith("n:") && Number(count) > 0 && live.has(field.slice(2)));
        answer.set(playerId, open && presence.app !== "background" ? "connected" : "away");
      }),
    );
    return players.map((playerId) => answer.get(playerId) ?? "away");
  }

  /** Holds a write back, before it exists, when the connection could not send it now. */
  private mustReach(key: string): void {
    if (!readyToSend(this.redis, key)) throw new StoreNotReachedError();
  }

  /** Presence, tokens and push preferences of each player, in one round trip: `[presence, tokens, prefs]` per player. */
  private async readPlayers(players: readonly string[]): Promise<[Error | null, unknown][]> {
    const pipeline = this.redis.pipeline();
    for (const playerId of players) {
      const k = playerKeys(playerId);
      pipeline.hgetall(k.presence).hgetall(k.tokens).hgetall(k.prefs);
    }
    return (await pipeline.exec())!;
  }
}

/**
 * Players split so that each part's keys are served by one node: a Cluster pipeline may not
 * span nodes (ioredis refuses it), and one pipeline per node keeps one round trip per node
 * instead of one per player. On a single Redis: one part.
 */
function byServingNode(redis: RedisClient, players: readonly string[]): string[][] {
  if (!isCluster(redis)) return [[...players]];
  const groups = new Map<string, string[]>();
  for (const playerId of players) {
    const node = servingNodeOf(redis, playerKeys(playerId).presence);
    const group = groups.get(node);
    if (group) group.push(playerId);
    else groups.set(node, [playerId]);
  }
  return [...groups.values()];
}

/** A name for the node that serves `key` (the same for every key on one node; one name on a single Redis). */
function servingNodeOf(redis: RedisClient, key: string): string {
  if (!isCluster(redis)) return "";
  const slot = calculateSlot(key);
  // Not yet in the slot table (a refresh is under way): a part of its own, routed by slot.
  return redis.slots[slot]?.join(";") ?? `slot ${slot}`;
}

/**
 * The outbox on a Redis Stream with one consumer group for every node. Reads block, so
 * the outbox gets a connection of its own, never the store's.
 */
export class RedisPushOutbox implements PushOutbox {
  private groupReady: Promise<void> | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly maxLength = 100_000,
  ) {}

  async append(event: PushEvent): Promise<void> {
    await this.redis.xadd(STREAM, "MAXLEN", "~", this.maxLength, "*", "event", JSON.stringify(event));
  }

  async take(consumer: string, count: number, waitMs: number): Promise<OutboxEntry[]> {
    await this.ensureGroup();
    const reply = (await this.redis.xreadgroup("GROUP", GROUP, consumer, "COUNT", count, "BLOCK", waitMs, "STREAMS", STREAM, ">")) as
      | [string, [string, string[]][]][]
      | null;
    return reply ? entriesOf(reply[0][1]) : [];
  }

  async reclaim(consumer: string, idleMs: number, count: number): Promise<OutboxEntry[]> {
    await this.ensureGroup();
    const reply = (await this.redis.xautoclaim(STREAM, GROUP, consumer, idleMs, "0-0", "COUNT", count)) as [string, [string, string[]][]];
    return entriesOf(reply[1]);
  }

  async ack(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis.xack(STREAM, GROUP, ...ids);
    await Promise.all(ids.map((id) => this.redis.del(deliveredKey(id))));
  }

  async renew(consumer: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    return (await this.redis.fcall("bingo_push_renew", 1, STREAM, GROUP, consumer, ...ids)) as string[];
  }

  async delivered(entryId: string): Promise<Set<string>> {
    return new Set(await this.redis.smembers(deliveredKey(entryId)));
  }

  async recordDelivered(entryId: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.redis.multi().sadd(deliveredKey(entryId), ...keys).expire(deliveredKey(entryId), DELIVERY_TTL_S).exec();
  }

  async deadLetter(entry: OutboxEntry, failed: number, reason: string): Promise<void> {
    await this.redis.xadd(DEAD_LETTERS, "MAXLEN", "~", DEAD_LETTERS_MAX, "*", "entry", entry.id, "event", JSON.stringify(entry.event), "failed", failed, "reason", reason);
    await this.redis.xack(STREAM, GROUP, entry.id);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private ensureGroup(): Promise<void> {
    this.groupReady ??= this.redis
      .xgroup("CREATE", STREAM, GROUP, "0", "MKSTREAM")
      .then(() => undefined)
      .catch((error: Error) => {
        // The group exists already (the Redis error code BUSYGROUP): fine.
        if (replyErrorCode(error) !== "BUSYGROUP") {
          this.groupReady = null;
          throw error;
        }
      });
    return this.groupReady;
  }
}

function entriesOf(raw: [string, string[]][]): OutboxEntry[] {
  const entries: OutboxEntry[] = [];
  for (const [id, fields] of raw) {
    // A trimmed-away entry comes back with no fields.
    const json = fields?.[fields.indexOf("event") + 1];
    if (json) entries.push({ id, event: JSON.parse(json) as PushEvent });
  }
  return entries;
}

export class RedisPushGate implements PushGate {
  constructor(private readonly redis: RedisClient) {}

  async phase(gameId: string, stage: PushStage, version: number, band = 0): Promise<"passed" | "stale"> {
    return (await this.redis.fcall("bingo_push_phase", 2, gateKey(gameId), gameKeys(gameId).game, stage, version, band)) as "passed" | "stale";
  }

  async count(gameId: string, version: number, band: number): Promise<"passed" | "same-band" | "stale"> {
    return (await this.redis.fcall("bingo_push_count", 2, gateKey(gameId), gameKeys(gameId).game, version, band)) as "passed" | "same-band" | "stale";
  }

  async current(gameId: string): Promise<GateState> {
    const [stage, version] = await this.redis.hmget(gateKey(gameId), "stage", "pv");
    return { stage: (PUSH_STAGES as readonly string[]).includes(stage ?? "") ? (stage as PushStage) : null, version: version === null ? -1 : Number(version) };
  }
}

/**
 * How many outbox entries are not yet sent (for metrics): not yet delivered to the group
 * (its lag) plus delivered and not acknowledged. Asked on `redis`, which must not be the
 * outbox's own connection: that one spends its time in blocking reads. Null when Redis
 * cannot tell the lag (after some trims) or the group does not exist yet.
 */
export async function outboxDepth(redis: { xinfo(subcommand: "GROUPS", key: string): Promise<unknown> }): Promise<number | null> {
  let groups: unknown[][];
  try {
    groups = (await redis.xinfo("GROUPS", STREAM)) as unknown[][];
  } catch {
    return null;
  }
  for (const fields of groups) {
    const field = (name: string): unknown => fields[fields.indexOf(name) + 1];
    if (field("name") !== GROUP) continue;
    const lag = field("lag");
    const pending = field("pending");
    return typeof lag === "number" && typeof pending === "number" ? lag + pending : null;
  }
  return null;
}

/**
 * Puts up to `max` dead letters back into the outbox, oldest first, each marked as a replay
 * of its entry so devices it already reached are skipped; removes them from the dead
 * letters. Returns how many were replayed.
 */
export async function replayDeadLetters(redis: RedisClient, max: number): Promise<number> {
  const letters = (await redis.xrange(DEAD_LETTERS, "-", "+", "COUNT", max)) as [string, string[]][];
  for (const [id, fields] of letters) {
    const field = (name: string): string | undefined => fields[fields.indexOf(name) + 1];
    const event = JSON.parse(field("event") ?? "{}") as PushEvent;
    const replay: PushEvent = { ...event, replayOf: event.replayOf ?? field("entry") };
    await redis.xadd(STREAM, "MAXLEN", "~", 100_000, "*", "event", JSON.stringify(replay));
    await redis.xdel(DEAD_LETTERS, id);
  }
  return letters.length;
}

/**
 * Age (ms) of the oldest outbox entry not yet sent: taken and not acknowledged, or not yet
 * delivered to any node. Null when there is none or Redis cannot tell. On `redis`, not the
 * outbox's own (blocking) connection.
 */
export async function outboxOldestAgeMs(redis: RedisClient): Promise<number | null> {
  try {
    const ids: string[] = [];
    const summary = (await redis.xpending(STREAM, GROUP)) as [number, string | null, string | null, unknown];
    if (summary[1]) ids.push(summary[1]);
    const groups = (await redis.xinfo("GROUPS", STREAM)) as unknown[][];
    const group = groups.find((fields) => fields[fields.indexOf("name") + 1] === GROUP);
    const lastDelivered = group?.[group.indexOf("last-delivered-id") + 1];
    if (typeof lastDelivered === "string") {
      const next = (await redis.xrange(STREAM, `(${lastDelivered}`, "+", "COUNT", 1)) as [string, string[]][];
      if (next[0]) ids.push(next[0][0]);
    }
    if (ids.length === 0) return null;
    const oldest = Math.min(...ids.map((id) => Number(id.split("-")[0])));
    return Math.max(0, Date.now() - oldest);
  } catch {
    return null;
  }
}
