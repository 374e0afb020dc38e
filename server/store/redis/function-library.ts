import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Redis } from "ioredis";

const LUA_DIR = join(__dirname, "lua");

/** The `bingo` Redis function library: the files of lua/ in name order, as one source. */
export const LIBRARY_SOURCE = readdirSync(LUA_DIR)
  .filter((name) => name.endsWith(".lua"))
  .sort()
  .map((name) => readFileSync(join(LUA_DIR, name), "utf8"))
  .join("\n");

/** Loads (or replaces) the library. Functions persist and replicate, unlike cached scripts. */
export async function loadFunctionLibrary(redis: Redis): Promise<void> {
  await redis.function("LOAD", "REPLACE", LIBRARY_SOURCE);
}

export function isMissingFunction(error: unknown): boolean {
  return error instanceof Error && /function not found/i.test(error.message);
}
