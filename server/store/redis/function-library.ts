import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Redis } from "ioredis";
import type { RedisClient } from "./connection";
import { mastersOf } from "./connection";

const LUA_DIR = join(__dirname, "lua");

/** The `bingo` Redis function library: the files of lua/ in name order, as one source. */
export const LIBRARY_SOURCE = readdirSync(LUA_DIR)
  .filter((name) => name.endsWith(".lua"))
  .sort()
  .map((name) => readFileSync(join(LUA_DIR, name), "utf8"))
  .join("\n");

/**
 * Loads (or replaces) the library on the Redis, or on every master of a Cluster: functions
 * replicate to a master's replicas but never across shards, and a game's functions run on
 * whichever master owns its slot. Functions persist and replicate, unlike cached scripts,
 * so a replica promoted by a failover has them already; a master that joins later (or
 * restarts without persistence) answers "function not found", and the store then loads
 * the library again (`bestEffort`: on every master that answers, so one lost master does
 * not keep the others from getting it) and retries (RedisGameStore.call).
 */
export async function loadFunctionLibrary(redis: RedisClient, options: { bestEffort?: boolean } = {}): Promise<void> {
  const masters = mastersOf(redis);
  const reachable = masters.filter((node): node is Redis => node !== null);
  if (reachable.length === 0 || (reachable.length < masters.length && !options.bestEffort)) {
    throw new Error("cannot load the bingo function library: a Redis master is unreachable");
  }
  const loads = reachable.map((node) => node.function("LOAD", "REPLACE", LIBRARY_SOURCE));
  if (!options.bestEffort) {
    await Promise.all(loads);
    return;
  }
  const settled = await Promise.allSettled(loads);
  if (settled.every((load) => load.status === "rejected")) throw (settled[0] as PromiseRejectedResult).reason;
}
