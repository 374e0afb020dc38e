import { hmac } from "@noble/hashes/hmac";
import { sha256 } from "@noble/hashes/sha2";

type KeyedHmac = ReturnType<typeof hmac.create>;

/**
 * HMAC-SHA256 under one key, for the fair-random streams. Every granted card reads about
 * nine blocks; through node:crypto each block built an Hmac object, re-imported the key
 * and allocated a Buffer — a quarter of a node's CPU in a claim storm. Here the key's
 * pads are absorbed once (an audited library, @noble/hashes) and each block starts from a
 * copy of that state into one reused instance. Checked against node:crypto in
 * tests/unit/hmac-sha256.test.ts.
 */
export class HmacSha256 {
  private readonly keyed: KeyedHmac;
  private scratch: KeyedHmac | undefined;
  private readonly digest = new Uint8Array(32);

  constructor(key: Uint8Array) {
    this.keyed = hmac.create(sha256, key);
  }

  /** Writes HMAC(key, message[0 .. length)) into `out` as eight signed 32-bit words (big-endian word order). */
  mac(message: Uint8Array, length: number, out: Int32Array): void {
    this.scratch = this.keyed._cloneInto(this.scratch);
    const d = this.digest;
    this.scratch.update(message.subarray(0, length)).digestInto(d);
    for (let i = 0; i < 8; i++) out[i] = (d[4 * i] << 24) | (d[4 * i + 1] << 16) | (d[4 * i + 2] << 8) | d[4 * i + 3];
  }
}
