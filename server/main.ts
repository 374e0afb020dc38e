import { startApp } from "./app";
import type { Config } from "./config";
import { ConfigError, loadConfig } from "./config";
import type { Backends } from "./backends";
import { memoryBackends, pushSender, redisBackends } from "./backends";
import { createLogger } from "./observability/logger";

/** Composition root: picks the backends (backends.ts) from the configuration. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const log = createLogger(config);

  let backends: Backends;
  if (config.redisUrl) {
    backends = redisBackends(config.redisUrl, config, log);
    log.info({ redis: redactUrl(config.redisUrl) }, "using Redis: state shared with every node on it, broadcasts through the sharded Redis adapter");
  } else if (config.redisClusterNodes) {
    backends = redisBackends(config.redisClusterNodes, config, log);
    const seeds = config.redisClusterNodes.map(({ host, port }) => `${host}:${port}`);
    log.info({ redisCluster: seeds }, "using Redis Cluster: each game on the master that owns its hash slot, broadcasts through sharded Pub/Sub");
  } else {
    backends = memoryBackends(undefined, config);
    log.warn("neither REDIS_URL nor REDIS_CLUSTER_NODES is set: running ONE node on the embedded in-memory store (state is lost on exit)");
  }
  if (config.firebase) log.info({ projectId: config.firebase.projectId }, "push: FCM on");
  else log.warn("push: FCM off (set FIREBASE_PROJECT_ID and GOOGLE_APPLICATION_CREDENTIALS to enable it); pushes are logged instead");
  const sender = pushSender(config, log);
  // A library promise nobody awaited must not take a live show down: log it and go on.
  process.on("unhandledRejection", (reason) => log.error({ err: reason }, "unhandled promise rejection"));

  const { store, push, adapter, outboxDepth, outboxOldestAgeMs } = backends;
  const app = await startApp({ config, store, push: { ...push, sender }, log, adapter, outboxDepth, outboxOldestAgeMs, storeReady: backends.ready });
  log.info({ url: app.url, port: app.port, tickMs: config.tickMs }, `listening on ${app.url}`);
  // A Redis that is down at start is waited for (with backoff) while the node listens: /readyz
  // says 503 and every request is answered UNAVAILABLE until then.
  let reached = false;
  const waiting = setTimeout(() => {
    if (!reached) log.warn("Redis not reachable yet: serving UNAVAILABLE and /readyz 503 while retrying");
  }, 1000);
  void backends.ready.then(() => {
    reached = true;
    clearTimeout(waiting);
    log.info("backends ready: Redis reached and the function library loaded");
  });

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    log.info({ signal, timeoutMs: config.shutdownTimeoutMs }, "draining: answering pending claims, sending clients to other nodes");
    // A drain that hangs (a store that never answers) must not keep the process from exiting.
    setTimeout(() => {
      log.error({ timeoutMs: config.shutdownTimeoutMs }, "drain did not finish in time: exiting anyway");
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    void app
      .close()
      .then(() => {
        backends.close();
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
