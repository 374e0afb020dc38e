import { Redis } from "ioredis";
import { createShardedAdapter } from "@socket.io/redis-adapter";
import pino from "pino";
import { startApp } from "./app";
import type { Config } from "./config";
import { ConfigError, loadConfig } from "./config";
import type { GameStore } from "./ports/game-store";
import { MemoryGameStore } from "./store/memory/memory-game-store";
import { RedisGameStore } from "./store/redis/redis-game-store";

/** Composition root: the only place that picks the store and the adapter. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const log = pino({ level: config.logLevel, base: { node: config.nodeId } });

  let store: GameStore;
  let adapter: Parameters<typeof startApp>[0]["adapter"];
  const extraClients: Redis[] = [];
  if (config.redisUrl) {
    // Commands fail fast while Redis is away (no offline queue): a claim is answered
    // UNAVAILABLE rather than applied minutes later.
    const commands = new Redis(config.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      commandTimeout: config.redisCommandTimeoutMs,
      maxRetriesPerRequest: 1,
    });
    commands.on("error", (err) => log.warn({ err: err.message }, "redis connection error"));
    await commands.connect();
    const redisStore = new RedisGameStore(commands, {
      gameTtlSeconds: config.gameTtlSeconds,
      onUnexpectedError: (err) => log.error({ err }, "unexpected redis reply"),
    });
    await redisStore.init();
    store = redisStore;
    const pub = new Redis(config.redisUrl);
    const sub = pub.duplicate();
    for (const client of [pub, sub]) client.on("error", (err) => log.warn({ err: err.message }, "redis adapter connection error"));
    extraClients.push(pub, sub);
    adapter = createShardedAdapter(pub, sub, { subscriptionMode: "dynamic" });
    log.info({ redis: redactUrl(config.redisUrl) }, "using Redis: state shared with every node on it, broadcasts through the sharded Redis adapter");
  } else {
    store = new MemoryGameStore();
    log.warn("REDIS_URL is not set: running ONE node on the embedded in-memory store (state is lost on exit)");
  }

  const app = await startApp({ config, store, log, adapter });
  log.info({ url: app.url, port: app.port, tickMs: config.tickMs }, `listening on ${app.url}`);

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    log.info({ signal }, "shutting down: answering pending claims, closing connections");
    void app
      .close()
      .then(() => {
        for (const client of extraClients) client.disconnect();
        process.exit(0);
      })
      .catch((err) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      });
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}

main().catch((error) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
