import pino from "pino";
import type { Logger } from "pino";
import type { RunningApp } from "../../server/app";
import { startApp } from "../../server/app";
import type { Config } from "../../server/config";
import { loadConfig } from "../../server/config";
import type { Clock } from "../../server/ports/clock";
import type { GameStore } from "../../server/ports/game-store";
import type { RedisTarget } from "../../server/store/redis/connection";
import { connectCommands } from "../../server/store/redis/connection";
import { RedisGameStore } from "../../server/store/redis/redis-game-store";
import type { Backends } from "../../server/backends";
import { memoryBackends, redisBackends } from "../../server/backends";
import type { PushSender } from "../../server/ports/push-sender";
import { LogPushSender } from "../../server/push/log-sender";
import { TokenAuthority } from "../../server/identity/tokens";
import type { Role } from "../../shared/protocol";
import { BingoClient } from "../../shared/client";

export const TEST_SECRET = "test-secret-0123456789abcdef";
export const tokens = new TokenAuthority(TEST_SECRET);

export function tokenFor(sub: string, role: Role): string {
  return tokens.sign({ sub, role });
}

export async function createRedisStore(target: RedisTarget): Promise<RedisGameStore> {
  const store = new RedisGameStore(await connectCommands(target, 2000, () => undefined), { gameTtlSeconds: 3600 });
  await store.init();
  return store;
}

let nodeCounter = 0;
const UNLIMITED = { burst: 1_000_000, perSecond: 1_000_000 };

export interface TestApp extends RunningApp {
  readonly store: GameStore;
  readonly push: Backends["push"];
  readonly config: Config;
  /** A connected client with the given identity. */
  client(sub: string, role: Role, options?: { ackTimeoutMs?: number; retries?: number }): Promise<BingoClient>;
  /** Stops the app and every client it made. */
  stop(): Promise<void>;
}

/**
 * The real server in this process on a free port: memory store by default, or Redis with
 * the sharded adapter when `redisUrl` (one Redis URL, or a Redis Cluster's nodes) is given
 * (several of these then form a cluster of server nodes).
 */
export async function startTestApp(
  options: {
    redisUrl?: RedisTarget;
    config?: Partial<Config>;
    devMode?: boolean;
    pushSender?: PushSender;
    /** Drives the tick loop, the rate limits and the memory store (memory only); default the system clock. */
    clock?: Clock;
    /** Times the join batches; default the system clock (a ManualClock holds joins until advanced). */
    joinClock?: Clock;
    /** Where the app logs; default nowhere. */
    log?: Logger;
    /** The high-resolution clock the broadcast budget times emits with; default performance.now. */
    hrNow?: () => number;
    /** Sockets per slice of a `slots` broadcast (default DEFAULT_SLICE_SOCKETS). */
    sliceSockets?: number;
  } = {},
): Promise<TestApp> {
  const config: Config = {
    ...loadConfig({}),
    port: 0,
    host: "127.0.0.1",
    authSecret: options.devMode ? undefined : TEST_SECRET,
    // As loadConfig decides it: dev tokens only with the random secret (ALLOW_DEV_TOKENS unset).
    devTokens: Boolean(options.devMode),
    logLevel: "silent",
    // Several test nodes share this process: each needs its own name.
    nodeId: `test-node-${++nodeCounter}-${process.pid}`,
    // Tests fire hundreds of events per socket as fast as they can; the limits have their own tests (limits.test.ts).
    rateLimits: { socket: UNLIMITED, player: UNLIMITED },
    // Tests create games by the dozen under one host; the cap has its own test (bounded-state.test.ts).
    maxGamesPerHost: 100_000,
    ...options.config,
  };
  const log = options.log ?? pino({ level: "silent" });
  const clients: BingoClient[] = [];
  const backends = options.redisUrl ? redisBackends(options.redisUrl, config, log) : memoryBackends(options.clock, config);
  // Tests start on a Redis that is up: serve once it is reached and the library is loaded.
  await backends.ready;
  const sender = options.pushSender ?? new LogPushSender(() => undefined);
  const app = await startApp({
    config,
    store: backends.store,
    push: { ...backends.push, sender },
    log,
    adapter: backends.adapter,
    clock: options.clock,
    joinClock: options.joinClock,
    ...(options.hrNow ? { hrNow: options.hrNow } : {}),
    ...(options.sliceSockets ? { sliceSockets: options.sliceSockets } : {}),
    outboxDepth: () => backends.outboxDepth(),
    outboxOldestAgeMs: () => backends.outboxOldestAgeMs(),
  });
  return {
    ...app,
    store: backends.store,
    push: backends.push,
    config,
    async client(sub, role, clientOptions = {}) {
      const client = await BingoClient.connect({ url: app.url, token: tokenFor(sub, role), ...clientOptions });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.close();
      await app.close();
      backends.close();
    },
  };
}
