import { createHash, createHmac } from "node:crypto";
import fc from "fast-check";
import { commitmentOf, FairRandom } from "../../server/domain/fair-random";

const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString("hex"));
/** sha256("bingo known-answer seed"): a fixed seed whose outputs are pinned here and in cards.test.ts. */
const SEED = "f63e4de45d4a02d20b24ff44a809e62b2f8f048e5cb810143ac6b39b6e20b076";

/** The documented stream, computed block by block without FairRandom. */
function referenceWords(seedHex: string, label: string, count: number): number[] {
  const words: number[] = [];
  for (let block = 0; words.length < count; block++) {
    const digest = createHmac("sha256", Buffer.from(seedHex, "hex")).update(`${label}:${block}`).digest();
    for (let offset = 0; offset < 32 && words.length < count; offset += 4) words.push(digest.readUInt32BE(offset));
  }
  return words;
}

describe("commitmentOf", () => {
  it("is the SHA-256 of the seed's raw bytes (known answer)", () => {
    expect(commitmentOf(SEED)).toBe("953fd0233c07618b4d58e3ba25fcfcc939afbb503becafff6441a097cae74872");
    expect(commitmentOf(SEED)).toBe(createHash("sha256").update(Buffer.from(SEED, "hex")).digest("hex"));
  });

  it("hashes the bytes, not the hex text", () => {
    expect(commitmentOf(SEED)).not.toBe(createHash("sha256").update(SEED).digest("hex"));
  });

  it.each([
    ["uppercase hex", SEED.toUpperCase()],
    ["too short", SEED.slice(2)],
    ["too long", `${SEED}00`],
    ["not hex", `${SEED.slice(1)}g`],
    ["empty", ""],
  ])("rejects a seed that is %s with a TypeError", (_name, seed) => {
    expect(() => commitmentOf(seed)).toThrow(TypeError);
    expect(() => new FairRandom(seed, "draw")).toThrow(TypeError);
  });
});

describe("FairRandom stream", () => {
  it("is HMAC-SHA256(seed, `label:i`) read as big-endian 32-bit words, across block boundaries", () => {
    const random = new FairRandom(SEED, "draw");
    const words = Array.from({ length: 20 }, () => random.nextUint32());
    expect(words).toEqual(referenceWords(SEED, "draw", 20));
  });

  it("pins the first words of a known seed (computed independently)", () => {
    // HMAC-SHA256(SEED bytes, "draw:0") = 01fe083a cec4c7d7 bba8b144 ...
    const random = new FairRandom(SEED, "draw");
    expect([random.nextUint32(), random.nextUint32(), random.nextUint32()]).toEqual([0x01fe083a, 0xcec4c7d7, 0xbba8b144]);
  });

  it("matches the reference for any seed and label (property)", () => {
    fc.assert(
      fc.property(seedArb, fc.string({ maxLength: 12 }), (seed, label) => {
        const random = new FairRandom(seed, label);
        expect(Array.from({ length: 17 }, () => random.nextUint32())).toEqual(referenceWords(seed, label, 17));
      }),
      { numRuns: 100 },
    );
  });

  it("gives independent streams for different labels", () => {
    const a = new FairRandom(SEED, "card:1");
    const b = new FairRandom(SEED, "card:2");
    expect(Array.from({ length: 8 }, () => a.nextUint32())).not.toEqual(Array.from({ length: 8 }, () => b.nextUint32()));
  });
});

describe("FairRandom.below", () => {
  /** below(n) as documented, on the reference words: reject words >= floor(2^32/n)*n. */
  function referenceBelow(words: number[], n: number): number {
    const limit = Math.floor(2 ** 32 / n) * n;
    for (;;) {
      const word = words.shift();
      if (word === undefined) throw new Error("ran out of reference words");
      if (word < limit) return word % n;
    }
  }

  it("follows the documented rejection rule, including n where half the words are rejected (property)", () => {
    const nArb = fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 2 ** 31 + 1, max: 2 ** 32 }), fc.integer({ min: 1, max: 2 ** 32 }));
    fc.assert(
      fc.property(seedArb, fc.array(nArb, { minLength: 1, maxLength: 20 }), (seed, ns) => {
        const random = new FairRandom(seed, "below");
        const words = referenceWords(seed, "below", 400);
        for (const n of ns) {
          const value = random.below(n);
          expect(value).toBe(referenceBelow(words, n));
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThan(n);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("reads one word for below(1) and returns 0", () => {
    const random = new FairRandom(SEED, "draw");
    expect(random.below(1)).toBe(0);
    expect(random.nextUint32()).toBe(referenceWords(SEED, "draw", 2)[1]);
  });

  it.each([2, 3, 5, 7, 10])("hits every value of below(%i) in a few hundred draws", (n) => {
    const random = new FairRandom(SEED, `every:${n}`);
    const seen = new Set(Array.from({ length: 300 }, () => random.below(n)));
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it.each([0, -1, 1.5, 2 ** 32 + 1, Number.NaN])("refuses n = %p with a RangeError", (n) => {
    expect(() => new FairRandom(SEED, "draw").below(n)).toThrow(RangeError);
  });
});

describe("FairRandom.shuffle", () => {
  it("is Fisher–Yates from the end with j = below(i + 1), in place", () => {
    const items = Array.from({ length: 30 }, (_, i) => i);
    const reference = [...items];
    const draws = new FairRandom(SEED, "shuffle");
    for (let i = reference.length - 1; i >= 1; i--) {
      const j = draws.below(i + 1);
      [reference[i], reference[j]] = [reference[j], reference[i]];
    }
    const result = new FairRandom(SEED, "shuffle").shuffle(items);
    expect(result).toBe(items);
    expect(items).toEqual(reference);
  });

  it("returns a permutation, the same one for the same seed and label (property)", () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 0, max: 100 }), (seed, length) => {
        const items = Array.from({ length }, (_, i) => i);
        const shuffled = new FairRandom(seed, "p").shuffle([...items]);
        expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
        expect(new FairRandom(seed, "p").shuffle([...items])).toEqual(shuffled);
      }),
      { numRuns: 100 },
    );
  });
});
