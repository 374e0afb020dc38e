import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Redis } from "ioredis";

/** The `bingo` Redis function library, read once from bingo.lua beside this file. */
export const LIBRARY_SOURCE = readFileSync(join(__dirname, "bingo.lua"), "utf8");

/** Loads (or replaces) the library. Functions persist and replicate, unlike cached scripts. */
export async function loadFunctionLibrary(redis: Redis): Promise<void> {
  await redis.function("LOAD", "REPLACE", LIBRARY_SOURCE);
}

export function isMissingFunction(error: unknown): boolean {
  return error instanceof Error && /function not found/i.test(error.message);
}
