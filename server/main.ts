import pino from "pino";
import { startApp } from "./app";
import type { Config } from "./config";
import { ConfigError, loadConfig } from "./config";
import type { GameStore } from "./ports/game-store";
import { MemoryGameStore } from "./store/memory/memory-game-store";
import { connectCommands } from "./store/redis/connection";
import { RedisGameStore } from "./store/redis/redis-game-store";
import type { RedisAdapter } from "./transport/redis-adapter";
import { createRedisAdapter } from "./transport/redis-adapter";

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
  let cluster: RedisAdapter | undefined;
  if (config.redisUrl) {
    const commands = await connectCommands(config.redisUrl, config.redisCommandTimeoutMs, (err) =>
      log.warn({ err: err.message }, "redis connection error"),
    );
    const redisStore = new RedisGameStore(commands, {
      gameTtlSeconds: config.gameTtlSeconds,
      onUnexpectedError: (err) => log.error({ err }, "unexpected redis reply"),
    });
    await redisStore.init();
    store = redisStore;
    cluster = createRedisAdapter(config.redisUrl, (err) => log.warn({ err: err.message }, "redis adapter connection error"));
    log.info({ redis: redactUrl(config.redisUrl) }, "using Redis: state shared with every node on it, broadcasts through the sharded Redis adapter");
  } else {
    store = new MemoryGameStore();
    log.warn("REDIS_URL is not set: running ONE node on the embedded in-memory store (state is lost on exit)");
  }
  // A library promise nobody awaited must not take a live show down: log it and go on.
  process.on("unhandledRejection", (reason) => log.error({ err: reason }, "unhandled promise rejection"));

  const app = await startApp({ config, store, log, adapter: cluster?.adapter });
  log.info({ url: app.url, port: app.port, tickMs: config.tickMs }, `listening on ${app.url}`);

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    log.info({ signal }, "shutting down: answering pending claims, closing connections");
    void app
      .close()
      .then(() => {
        cluster?.close();
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
