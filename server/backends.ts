import type { Logger } from "pino";
import type { ServerOptions } from "socket.io";
import type { PushDeps } from "./app";
import type { Config } from "./config";
import type { Clock } from "./ports/clock";
import { systemClock } from "./ports/clock";
import type { GameStore } from "./ports/game-store";
import type { PushSender } from "./ports/push-sender";
import type { DeviceLimits } from "./ports/push-ports";
import { fcmSenderFromEnv } from "./push/fcm-sender";
import { LogPushSender } from "./push/log-sender";
import { MemoryGameStore } from "./store/memory/memory-game-store";
import { MemoryPlayerDirectory, MemoryPushGate, MemoryPushOutbox } from "./store/memory/memory-push";
import type { RedisTarget } from "./store/redis/connection";
import { openCommands, whenReady } from "./store/redis/connection";
import { RedisGameStore } from "./store/redis/redis-game-store";
import { outboxDepth, outboxOldestAgeMs, RedisPlayerDirectory, RedisPushGate, RedisPushOutbox } from "./store/redis/redis-push";
import { createRedisAdapter } from "./store/redis/redis-adapter";

/** Where a node keeps its state: the pieces startApp takes, and how to let go of them. */
export interface Backends {
  readonly store: GameStore;
  readonly push: Omit<PushDeps, "sender">;
  readonly adapter?: ServerOptions["adapter"];
  /** Resolves once every backend is reachable and set up (at once for memory); the node serves before that. */
  readonly ready: Promise<void>;
  /** Push outbox entries not yet sent, over every node (for metrics); null when unknown. */
  outboxDepth(): Promise<number | null>;
  /** Age (ms) of the oldest outbox entry not yet sent (for metrics); null when none or unknown. */
  outboxOldestAgeMs(): Promise<number | null>;
  /** Closes connections startApp does not own (the adapter's). */
  close(): void;
}

type PushConfig = Pick<Config, "maxPushTokensPerPlayer" | "pushTokenTtlDays" | "presenceHeartbeatMs">;

function deviceLimits(config: PushConfig): DeviceLimits {
  return { maxTokensPerPlayer: config.maxPushTokensPerPlayer, tokenTtlMs: config.pushTokenTtlDays * 24 * 3600_000 };
}

/** A node instance silent for three beats is dead: its players' sockets no longer count. */
export function nodeTimeoutMs(heartbeatMs: number): number {
  return 3 * heartbeatMs;
}

/** One node, everything in this process: the embedded default. */
export function memoryBackends(clock: Clock = systemClock, config?: PushConfig): Backends {
  const outbox = new MemoryPushOutbox(clock);
  return {
    ready: Promise.resolve(),
    store: new MemoryGameStore(clock),
    push: { directory: new MemoryPlayerDirectory(clock, config ? deviceLimits(config) : undefined), outbox, gate: new MemoryPushGate() },
    outboxDepth: async () => outbox.depth,
    outboxOldestAgeMs: async () => outbox.oldestAgeMs(),
    close: () => undefined,
  };
}

/**
 * Any number of nodes on one Redis or one Redis Cluster: store, push outbox and presence
 * there, broadcasts through the sharded adapter.
 */
export function redisBackends(
  target: RedisTarget,
  config: Pick<Config, "redisCommandTimeoutMs" | "gameTtlSeconds"> & PushConfig,
  log: Logger,
): Backends {
  const onError = (err: Error): void => log.warn({ err: err.message }, "redis connection error");
  // Nothing here waits for Redis: a node whose Redis is down at start listens, answers
  // UNAVAILABLE and /readyz 503, and becomes ready once its clients get through (ready below).
  const commands = openCommands(target, config.redisCommandTimeoutMs, onError);
  const store = new RedisGameStore(commands, {
    gameTtlSeconds: config.gameTtlSeconds,
    onUnexpectedError: (err) => log.error({ err }, "unexpected redis reply"),
  });
  const libraryLoaded = store.loadLibraryWhenReady((err) => log.warn({ err }, "loading the bingo function library failed; retrying"));
  // The outbox blocks while it waits for entries: a connection of its own.
  const outboxConnection = openCommands(target, config.redisCommandTimeoutMs, onError);
  const broadcasts = createRedisAdapter(target, onError);
  return {
    ready: Promise.all([libraryLoaded, whenReady(outboxConnection), broadcasts.ready]).then(() => undefined),
    store,
    push: { directory: new RedisPlayerDirectory(commands, { ...deviceLimits(config), nodeTimeoutMs: nodeTimeoutMs(config.presenceHeartbeatMs) }), outbox: new RedisPushOutbox(outboxConnection), gate: new RedisPushGate(commands) },
    adapter: broadcasts.adapter,
    // On the command connection: the outbox's own one is busy with blocking reads.
    outboxDepth: () => outboxDepth(commands),
    outboxOldestAgeMs: () => outboxOldestAgeMs(commands),
    close: () => broadcasts.close(),
  };
}

/** FCM when the project and credentials are configured, else a log of what would be sent. */
export function pushSender(config: Pick<Config, "firebase">, log: Logger): PushSender {
  if (config.firebase) return fcmSenderFromEnv(config.firebase.projectId, config.firebase.credentialsPath);
  return new LogPushSender((line) => log.info(line, "push (FCM off: logged, not sent)"));
}
