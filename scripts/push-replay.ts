/**
 * `npm run push-replay -- [--max N]` with REDIS_URL (or REDIS_CLUSTER_NODES) set as on the nodes.
 *
 * Puts push entries that exhausted their retries (the dead letters, `bingo:push:dead`) back
 * into the outbox, oldest first, up to N (default 1000). Devices an entry already reached
 * are skipped when it is sent again. Run it once FCM (or the credentials) work again:
 * `bingo_push_dead_letters_total` tells when there is something to replay.
 */
import { loadConfig } from "../server/config";
import { connectCommands } from "../server/store/redis/connection";
import { replayDeadLetters } from "../server/store/redis/redis-push";

async function main(): Promise<number> {
  const config = loadConfig();
  const target = config.redisUrl ?? config.redisClusterNodes;
  if (!target) {
    process.stderr.write("set REDIS_URL or REDIS_CLUSTER_NODES (the nodes' Redis)\n");
    return 2;
  }
  const at = process.argv.indexOf("--max");
  const max = at >= 0 ? Number(process.argv[at + 1]) : 1000;
  if (!Number.isInteger(max) || max < 1) {
    process.stderr.write("usage: npm run push-replay -- [--max N]  (N: a whole number ≥ 1)\n");
    return 2;
  }
  const redis = await connectCommands(target, config.redisCommandTimeoutMs, () => undefined);
  try {
    const replayed = await replayDeadLetters(redis, max);
    process.stdout.write(`replayed ${replayed} dead-lettered push entr${replayed === 1 ? "y" : "ies"}\n`);
    return 0;
  } finally {
    redis.disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
