import { randomInt } from "node:crypto";

// No 0/O, 1/I/L: players type these codes from a screen.
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const LENGTH = 8;

/** A new game code: 8 characters, ~39 bits of randomness; the store rejects a taken one. */
export function newGameId(): string {
  let id = "";
  for (let i = 0; i < LENGTH; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}
