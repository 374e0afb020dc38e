import { hmac } from "@noble/hashes/hmac";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";
import { HmacSha256 } from "./hmac-sha256";

/**
 * Provably fair randomness: everything random in a game (draw order, cards) is read from
 * HMAC streams keyed by one secret seed. The host publishes commitmentOf(seed) before the
 * game and the seed after it, so anyone can recompute every draw and card and check that
 * nothing was chosen after the fact. Only @noble/hashes and TextEncoder, no node:crypto or
 * Buffer: the public record page runs this very code in the browser to verify a game.
 */

const SEED_PATTERN = /^[0-9a-f]{64}$/;
const TWO_POW_32 = 0x1_0000_0000;
const WORDS_PER_BLOCK = 8;
/** Block counters stay far below 10^16 (a stream is read for a few dozen words). */
const MAX_COUNTER_DIGITS = 16;

/** Writes `value` (a non-negative integer) in decimal ASCII at `at`; returns the digit count. */
function writeDecimal(bytes: Uint8Array, at: number, value: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  for (let i = digits - 1, rest = value; i >= 0; i--, rest = Math.floor(rest / 10)) bytes[at + i] = 48 + (rest % 10);
  return digits;
}

/** The seed's 32 raw bytes; the seed must be exactly 64 lowercase hex characters so it has one spelling. */
function seedBytes(seedHex: string): Uint8Array {
  if (typeof seedHex !== "string" || !SEED_PATTERN.test(seedHex)) {
    throw new TypeError("seed must be 64 lowercase hex characters (32 bytes)");
  }
  return hexToBytes(seedHex);
}

const utf8 = new TextEncoder();

/** Lowercase hex SHA-256 of the seed's 32 bytes (not of its 64 hex characters). */
export function commitmentOf(seedHex: string): string {
  return bytesToHex(sha256(seedBytes(seedHex)));
}

/**
 * A player's id in a record published with salted-hash ids: lowercase hex
 * HMAC-SHA256(key = the seed's 32 bytes, message = UTF-8 "player:<sub>"). Secret while the
 * seed is; afterwards each player computes their own, but a list of ids reveals no `sub`
 * to anyone who does not already know it. ("player:" never begins a stream's message.)
 */
export function recordIdOf(seedHex: string, sub: string): string {
  return bytesToHex(hmac(sha256, seedBytes(seedHex), utf8.encode(`player:${sub}`)));
}

/**
 * A seed's HMAC key with its pads absorbed: every stream of a game reads under the same key,
 * so whoever makes many streams of one seed (a game's rules, card by card) keys it once and
 * passes the key instead of the seed. The caller owns it; nothing here keeps it.
 */
export function seedKey(seedHex: string): HmacSha256 {
  return new HmacSha256(seedBytes(seedHex));
}

/**
 * A deterministic stream of 32-bit words: block i = HMAC-SHA256(seed bytes, UTF-8 `${label}:${i}`),
 * blocks concatenated, read as big-endian unsigned 32-bit words. Each label is an independent
 * stream, so adding a new use of the seed never shifts an existing one.
 */
export class FairRandom {
  private readonly hmac: HmacSha256;
  /** UTF-8 `${label}:` followed by the decimal block counter. */
  private readonly message: Uint8Array;
  private readonly prefixLength: number;
  private counter = 0;
  private readonly block = new Int32Array(WORDS_PER_BLOCK);
  private offset = WORDS_PER_BLOCK; // exhausted: the first read computes block 0

  /** `seed`: the seed's 64 hex characters, or its key from seedKey (same stream, no re-keying). */
  constructor(seed: string | HmacSha256, label: string) {
    this.hmac = typeof seed === "string" ? seedKey(seed) : seed;
    const prefix = utf8.encode(`${label}:`);
    this.prefixLength = prefix.length;
    this.message = new Uint8Array(prefix.length + MAX_COUNTER_DIGITS);
    this.message.set(prefix);
  }

  nextUint32(): number {
    if (this.offset === WORDS_PER_BLOCK) {
      const length = this.prefixLength + writeDecimal(this.message, this.prefixLength, this.counter);
      this.hmac.mac(this.message, length, this.block);
      this.counter += 1;
      this.offset = 0;
    }
    return this.block[this.offset++] >>> 0;
  }

  /**
   * Uniform integer in [0, n) without modulo bias: words at or above the largest multiple of n
   * below 2^32 are rejected. Always reads at least one word, even for n = 1, so the number of
   * words consumed depends only on the words themselves.
   */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new RangeError(`below(n) needs an integer 1 <= n <= 2^32, got ${n}`);
    const limit = Math.floor(TWO_POW_32 / n) * n;
    for (;;) {
      const word = this.nextUint32();
      if (word < limit) return word % n;
    }
  }

  /** In-place Fisher–Yates from the end: for i = length-1 down to 1, swap items[i] with items[below(i+1)]. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i >= 1; i--) {
      const j = this.below(i + 1);
      const held = items[i];
      items[i] = items[j];
      items[j] = held;
    }
    return items;
  }
}
