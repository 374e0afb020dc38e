import { createHmac } from "node:crypto";
import fc from "fast-check";
import { HmacSha256 } from "../../server/domain/hmac-sha256";

function hex(words: Int32Array): string {
  return Array.from(words, (word) => (word >>> 0).toString(16).padStart(8, "0")).join("");
}

function mac(key: Uint8Array, message: Uint8Array): string {
  const out = new Int32Array(8);
  new HmacSha256(key).mac(message, message.length, out);
  return hex(out);
}

describe("HmacSha256", () => {
  it("gives the RFC 4231 answer (test case 2)", () => {
    expect(mac(Buffer.from("Jefe"), Buffer.from("what do ya want for nothing?"))).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("matches node:crypto at every padding boundary (message lengths 0 to 200)", () => {
    const key = Buffer.from("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "hex");
    const hmac = new HmacSha256(key);
    const out = new Int32Array(8);
    for (let length = 0; length <= 200; length++) {
      const message = Buffer.alloc(length, length % 251);
      hmac.mac(message, length, out);
      expect(hex(out)).toBe(createHmac("sha256", key).update(message).digest("hex"));
    }
  });

  it("matches node:crypto for any key of up to 64 bytes and any message (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 300 }), (key, message) => {
        expect(mac(key, message)).toBe(createHmac("sha256", key).update(message).digest("hex"));
      }),
      { numRuns: 300 },
    );
  });

  it("reads only the given length of the message buffer", () => {
    const key = Buffer.from("seed");
    const message = Buffer.from("card:7:0 and bytes after it");
    const out = new Int32Array(8);
    new HmacSha256(key).mac(message, 8, out);
    expect(hex(out)).toBe(createHmac("sha256", key).update("card:7:0").digest("hex"));
  });
});
