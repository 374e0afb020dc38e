import { Redis } from "ioredis";
import { createShardedAdapter } from "@socket.io/redis-adapter";
import pino from "pino";
import type { RunningApp } from "../../server/app";
import { startApp } from "../../server/app";
import type { Config } from "../../server/config";
import { loadConfig } from "../../server/config";
import type { GameStore } from "../../server/ports/game-store";
import { MemoryGameStore } from "../../server/store/memory/memory-game-store";
import { RedisGameStore } from "../../server/store/redis/redis-game-store";
import { TokenAuthority } from "../../server/transport/tokens";
import type { Role } from "../../shared/protocol";
import { BingoClient } from "../../shared/client";

export const TEST_SECRET = "test-secret-0123456789abcdef";
export const tokens = new TokenAuthority(TEST_SECRET);

export function tokenFor(sub: string, role: Role): string {
  return tokens.sign({ sub, role });
}

/** A Redis connection set up the way main.ts sets up the store's. */
export async function storeConnection(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, commandTimeout: 2000, maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined);
  await redis.connect();
  return redis;
}

export async function createRedisStore(url: string): Promise<RedisGameStore> {
  const store = new RedisGameStore(await storeConnection(url), { gameTtlSeconds: 3600 });
  await store.init();
  return store;
}

export interface TestApp extends RunningApp {
  readonly store: GameStore;
  /** A connected client with the given identity. */
  client(sub: string, role: Role, options?: { ackTimeoutMs?: number; retries?: number }): Promise<BingoClient>;
  /** Stops the app and every client it made. */
  stop(): Promise<void>;
}

/**
 * The real server in this process on a free port: memory store by default, or Redis with
 * the sharded adapter when `redisUrl` is given (several of these then form a cluster).
 */
export async function startTestApp(options: { redisUrl?: string; config?: Partial<Config>; devMode?: boolean } = {}): Promise<TestApp> {
  const config: Config = {
    ...loadConfig({}),
    port: 0,
    host: "127.0.0.1",
    authSecret: options.devMode ? undefined : TEST_SECRET,
    logLevel: "silent",
    ...options.config,
  };
  const log = pino({ level: "silent" });
  const clients: BingoClient[] = [];
  const redisClients: Redis[] = [];
  let store: GameStore;
  let adapter: Parameters<typeof startApp>[0]["adapter"];
  if (options.redisUrl) {
    store = await createRedisStore(options.redisUrl);
    const pub = new Redis(options.redisUrl);
    const sub = pub.duplicate();
    pub.on("error", () => undefined);
    sub.on("error", () => undefined);
    redisClients.push(pub, sub);
    adapter = createShardedAdapter(pub, sub, { subscriptionMode: "dynamic" });
  } else {
    store = new MemoryGameStore();
  }
  const app = await startApp({ config, store, log, adapter });
  return {
    ...app,
    store,
    async client(sub, role, clientOptions = {}) {
      const client = await BingoClient.connect({ url: app.url, token: tokenFor(sub, role), ...clientOptions });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.close();
      await app.close();
      for (const client of redisClients) client.disconnect();
    },
  };
}
