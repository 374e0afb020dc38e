import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
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
 * the library again everywhere and retries (RedisGameStore.call).
 */
export async function loadFunctionLibrary(redis: RedisClient): Promise<void> {
  const masters = mastersOf(redis);
  if (masters.length === 0 || masters.includes(null)) throw new Error("cannot load the bingo function library: a Redis master is unreachable");
  await Promise.all(masters.map((node) => node!.function("LOAD", "REPLACE", LIBRARY_SOURCE)));
}

export function isMissingFunction(error: unknown): boolean {
  return error instanceof Error && /function not found/i.test(error.message);
}
