import { randomBytes } from "node:crypto";

/** A game's secret: 32 random bytes as 64 hex characters. */
export function newSeed(): string {
  return randomBytes(32).toString("hex");
}
