import calculateSlot from "cluster-key-slot";
import type { Platform, PushEvent, PushTarget } from "../../domain/push-messages";
import { isBackgrounded } from "../../domain/presence";
import type { OutboxEntry, PlayerDirectory, PushGate, PushOutbox } from "../../ports/push-ports";
import { StoreNotReachedError } from "../../ports/store-not-reached";
import type { RedisClient } from "./connection";
import { isCluster, readyToSend } from "./connection";

const NODES = "bingo:nodes";
const STREAM = "bingo:push";
const GROUP = "push";
/** A node that has not beaten for this long is taken for dead: its sockets no longer count. */
const NODE_TIMEOUT_MS = 15_000;
const PLAYER_TTL_S = 7 * 24 * 3600;
const PIPELINE_CHUNK = 500;

const playerKeys = (playerId: string) => {
  const tag = `bingo:{p:${playerId}}`;
  return { presence: `${tag}:presence`, tokens: `${tag}:tokens` };
};
const audienceKey = (gameId: string) => `bingo:{${gameId}}:audience`;
const gateKey = (gameId: string) => `bingo:{${gameId}}:pushgate`;

/**
 * Presence, devices and audiences in Redis, shared by every node. The writes a client asks
 * for (tokens, app state) throw StoreNotReachedError when they were never sent (nothing
 * done); any other throw means they were sent and may have run.
 */
export class RedisPlayerDirectory implements PlayerDirectory {
  constructor(private readonly redis: RedisClient) {}

  async registerToken(playerId: string, token: string, platform: Platform): Promise<void> {
    const k = playerKeys(playerId);
    this.mustReach(k.tokens);
    await this.redis.multi().hset(k.tokens, token, platform).expire(k.tokens, PLAYER_TTL_S).exec();
  }

  async dropToken(playerId: string, token: string): Promise<void> {
    this.mustReach(playerKeys(playerId).tokens);
    await this.redis.hdel(playerKeys(playerId).tokens, token);
  }

  async joined(gameId: string, playerId: string): Promise<void> {
    const k = playerKeys(playerId);
    await Promise.all([
      this.redis.multi().sadd(audienceKey(gameId), playerId).expire(audienceKey(gameId), PLAYER_TTL_S).exec(),
      this.redis.multi().hset(k.presence, "app", "foreground").expire(k.presence, PLAYER_TTL_S).exec(),
    ]);
  }

  async setAppState(playerId: string, state: "foreground" | "background"): Promise<void> {
    const k = playerKeys(playerId);
    this.mustReach(k.presence);
    await this.redis.multi().hset(k.presence, "app", state).expire(k.presence, PLAYER_TTL_S).exec();
  }

  async socketOpened(playerId: string, nodeId: string): Promise<void> {
    const k = playerKeys(playerId);
    await this.redis.multi().hincrby(k.presence, `n:${nodeId}`, 1).expire(k.presence, PLAYER_TTL_S).exec();
  }

  async socketClosed(playerId: string, nodeId: string): Promise<void> {
    // One write: `gone` only matters once no live node counts a socket for the player.
    const k = playerKeys(playerId);
    await this.redis.multi().hincrby(k.presence, `n:${nodeId}`, -1).hset(k.presence, "gone", Date.now()).exec();
  }

  async heartbeat(nodeId: string): Promise<void> {
    const now = Date.now();
    await this.redis.multi().zadd(NODES, now, nodeId).zremrangebyscore(NODES, 0, now - 10 * NODE_TIMEOUT_MS).exec();
  }

  async pushTargets(gameId: string, players: readonly string[] | null, graceMs: number): Promise<PushTarget[]> {
    const now = Date.now();
    const audience = players ?? (await this.redis.smembers(audienceKey(gameId)));
    const live = new Set(await this.redis.zrangebyscore(NODES, now - NODE_TIMEOUT_MS, "+inf"));
    const targets: PushTarget[] = [];
    for (let i = 0; i < audience.length; i += PIPELINE_CHUNK) {
      const groups = byServingNode(this.redis, audience.slice(i, i + PIPELINE_CHUNK));
      const read = await Promise.all(groups.map((group) => this.readPlayers(group)));
      groups.forEach((group, g) =>
        group.forEach((playerId, n) => {
          const presence = (read[g][2 * n][1] ?? {}) as Record<string, string>;
          const tokens = (read[g][2 * n + 1][1] ?? {}) as Record<string, string>;
          let liveSockets = 0;
          for (const [field, count] of Object.entries(presence)) {
            if (field.startsWith("n:") && live.has(field.slice(2))) liveSockets += Math.max(0, Number(count));
          }
          const appState = presence.app === "background" || presence.app === "foreground" ? presence.app : null;
          const goneSince = presence.gone ? Number(presence.gone) : null;
          if (!isBackgrounded({ appState, liveSockets, goneSince }, now, graceMs)) return;
          for (const [token, platform] of Object.entries(tokens)) targets.push({ playerId, token, platform: platform as Platform });
        }),
      );
    }
    return targets;
  }

  /** Holds a write back, before it exists, when the connection could not send it now. */
  private mustReach(key: string): void {
    if (!readyToSend(this.redis, key)) throw new StoreNotReachedError();
  }

  /** Presence and tokens of each player, in one round trip: `[presence, tokens]` per player. */
  private async readPlayers(players: readonly string[]): Promise<[Error | null, unknown][]> {
    const pipeline = this.redis.pipeline();
    for (const playerId of players) {
      const k = playerKeys(playerId);
      pipeline.hgetall(k.presence).hgetall(k.tokens);
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
    const slot = calculateSlot(playerKeys(playerId).presence);
    // Not yet in the slot table (a refresh is under way): a part of its own, routed by slot.
    const node = redis.slots[slot]?.join(";") ?? `slot ${slot}`;
    const group = groups.get(node);
    if (group) group.push(playerId);
    else groups.set(node, [playerId]);
  }
  return [...groups.values()];
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
    if (ids.length > 0) await this.redis.xack(STREAM, GROUP, ...ids);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private ensureGroup(): Promise<void> {
    this.groupReady ??= this.redis
      .xgroup("CREATE", STREAM, GROUP, "0", "MKSTREAM")
      .then(() => undefined)
      .catch((error: Error) => {
        if (!/BUSYGROUP/.test(error.message)) {
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

  async pass(gameId: string, kind: string, version: number, intervalMs: number): Promise<"passed" | "too-soon" | "stale"> {
    return (await this.redis.fcall("bingo_push_gate", 1, gateKey(gameId), kind, version, intervalMs)) as "passed" | "too-soon" | "stale";
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
