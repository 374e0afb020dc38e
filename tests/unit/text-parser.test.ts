import { Decoder, Encoder, PacketType } from "socket.io-parser";
import type { Packet } from "socket.io-parser";
import { JsonTextEncoder } from "../../server/transport/text-parser";

/**
 * The server's encoder writes exactly socket.io-parser's text for every packet without
 * binary data, so clients (which decode with socket.io-parser) see no difference.
 */

const grid = [
  [1, 16, 31, 46, 61],
  [2, 17, 32, 47, 62],
  [3, 18, 0, 48, 63],
  [4, 19, 34, 49, 64],
  [5, 20, 35, 50, 65],
];

const PACKETS: [string, Packet][] = [
  ["a connect with its sid", { type: PacketType.CONNECT, nsp: "/", data: { sid: "abc" } }],
  ["a connect error", { type: PacketType.CONNECT_ERROR, nsp: "/", data: { message: "UNAUTHORIZED", data: { code: "UNAUTHORIZED" } } }],
  ["a disconnect", { type: PacketType.DISCONNECT, nsp: "/" }],
  ["a room event", { type: PacketType.EVENT, nsp: "/", data: ["slots", { gameId: "ABCD", total: 10, remaining: 3, version: 7, at: 1.5 }] }],
  ["an event in another namespace", { type: PacketType.EVENT, nsp: "/admin", data: ["x", 1] }],
  ["a claim ack", { type: PacketType.ACK, nsp: "/", id: 12, data: [{ ok: true, cards: [{ id: 5, grid }], slots: { total: 10, remaining: 9, version: 2 } }] }],
  ["an ack with id 0", { type: PacketType.ACK, nsp: "/", id: 0, data: [{ ok: false, error: { code: "BAD_REQUEST", message: "quote \" and \u2028" } }] }],
  ["an event with nulls and nested arrays", { type: PacketType.EVENT, nsp: "/", data: ["e", null, [[]], { a: null }] }],
];

test.each(PACKETS)("%s: the same text as socket.io-parser", (_label, packet) => {
  const ours = new JsonTextEncoder().encode(packet);
  expect(ours).toEqual(new Encoder().encode(packet));
  expect(ours).toHaveLength(1);
});

test("what it writes decodes to the packet sent", () => {
  const [, , , [, event]] = PACKETS;
  const decoded: Packet[] = [];
  const decoder = new Decoder();
  decoder.on("decoded", (packet: Packet) => decoded.push(packet));
  decoder.add(new JsonTextEncoder().encode(event)[0]);
  expect(decoded).toEqual([{ type: PacketType.EVENT, nsp: "/", data: event.data }]);
});
