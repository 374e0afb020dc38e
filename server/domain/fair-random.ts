import { createHash, createHmac } from "node:crypto";

/**
 * Provably fair randomness: everything random in a game (draw order, cards) is read from
 * HMAC streams keyed by one secret seed. The host publishes commitmentOf(seed) before the
 * game and the seed after it, so anyone can recompute every draw and card and check that
 * nothing was chosen after the fact.
 */

const SEED_PATTERN = /^[0-9a-f]{64}$/;
const TWO_POW_32 = 0x1_0000_0000;
const BLOCK_BYTES = 32;

/** The seed's 32 raw bytes; the seed must be exactly 64 lowercase hex characters so it has one spelling. */
function seedBytes(seedHex: string): Buffer {
  if (typeof seedHex !== "string" || !SEED_PATTERN.test(seedHex)) {
    throw new TypeError("seed must be 64 lowercase hex characters (32 bytes)");
  }
  return Buffer.from(seedHex, "hex");
}

/** Lowercase hex SHA-256 of the seed's raw bytes (not of its hex text). */
export function commitmentOf(seedHex: string): string {
  return createHash("sha256").update(seedBytes(seedHex)).digest("hex");
}

/**
 * A deterministic stream of 32-bit words: block i = HMAC-SHA256(seed bytes, UTF-8 `${label}:${i}`),
 * blocks concatenated, read as big-endian unsigned 32-bit words. Each label is an independent
 * stream, so adding a new use of the seed never shifts an existing one.
 */
export class FairRandom {
  private readonly key: Buffer;
  private readonly label: string;
  private counter = 0;
  private block: Buffer = Buffer.alloc(0);
  private offset = BLOCK_BYTES; // exhausted: the first read computes block 0

  constructor(seedHex: string, label: string) {
    this.key = seedBytes(seedHex);
    this.label = label;
  }

  nextUint32(): number {
    if (this.offset === BLOCK_BYTES) {
      this.block = createHmac("sha256", this.key).update(`${this.label}:${this.counter}`, "utf8").digest();
      this.counter += 1;
      this.offset = 0;
    }
    const word = this.block.readUInt32BE(this.offset);
    this.offset += 4;
    return word;
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
