import { Decoder, Encoder } from "socket.io-parser";
import type { Packet } from "socket.io-parser";

/**
 * Socket.IO's own parser, with an encoder that writes every packet as text without first
 * walking it for binary data. socket.io-parser's `encode` runs `hasBinary` over each event
 * and ack, a recursive walk of the whole payload (a join's snapshot, a claim's grids) on
 * every ack, only to choose between text and binary frames. This server never sends binary
 * (every message is plain JSON data: docs/protocol.md), so the walk only costs: measured at
 * 2-3 µs of 4-10 µs per ack encoded. The text is exactly what socket.io-parser writes for a
 * packet without binary (tests/unit/text-parser.test.ts), so clients are unchanged; decoding
 * (what clients send, binary included) is socket.io-parser's own.
 */
export class JsonTextEncoder extends Encoder {
  override encode(packet: Packet): string[] {
    // The same text as socket.io-parser's encodeAsString for a non-binary packet.
    let text = String(packet.type);
    if (packet.nsp && packet.nsp !== "/") text += `${packet.nsp},`;
    if (packet.id != null) text += packet.id;
    if (packet.data != null) text += JSON.stringify(packet.data);
    return [text];
  }
}

/** For Socket.IO's `parser` option. */
export const textParser = { Encoder: JsonTextEncoder, Decoder };
