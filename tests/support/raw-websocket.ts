import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import type { Socket } from "node:net";

/**
 * A hostile client written against the wire, not a library: a TCP socket that speaks the
 * WebSocket handshake and frames by hand, so a test can make it stop reading, stall
 * half-way or flood, as an attacker would. Engine.IO v4 / Socket.IO v5 packets are plain
 * text frames: "0{...}" open, "40{auth}" connect, "42<id>[event,payload]" event with ack.
 */
export class RawWebSocket {
  private buffered = Buffer.alloc(0);
  private upgraded = false;
  private readonly frames: string[] = [];
  private waiter: (() => void) | undefined;
  /** Resolves when the TCP connection is closed (by either side). */
  readonly closed: Promise<void>;

  private constructor(readonly tcp: Socket) {
    this.closed = new Promise((resolve) => tcp.once("close", () => resolve()));
    tcp.on("error", () => undefined);
    tcp.on("data", (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.parse();
    });
  }

  /** A TCP connection to `url`'s host and port that has sent nothing yet. */
  static async tcp(url: string): Promise<Socket> {
    const { hostname, port } = new URL(url);
    const tcp = connect(Number(port), hostname);
    tcp.on("error", () => undefined);
    await once(tcp, "connect");
    return tcp;
  }

  /** The HTTP request upgrading to an Engine.IO WebSocket, as a client sends it. */
  static upgradeRequest(url: string): string {
    const key = randomBytes(16).toString("base64");
    return (
      `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${new URL(url).host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`
    );
  }

  /**
   * A WebSocket upgraded at the Engine.IO level: the server's open packet has been read.
   * `sent` runs once the upgrade request is in the kernel, before anything is read back.
   */
  static async open(url: string, sent?: () => void): Promise<RawWebSocket> {
    const tcp = await RawWebSocket.tcp(url);
    await new Promise<void>((resolve, reject) => tcp.write(RawWebSocket.upgradeRequest(url), (error) => (error ? reject(error) : resolve())));
    sent?.();
    const raw = new RawWebSocket(tcp);
    const open = await raw.next();
    if (!open.startsWith("0{")) throw new Error(`expected the Engine.IO open packet, got ${open.slice(0, 80)}`);
    return raw;
  }

  /** Opens and connects to the Socket.IO namespace "/" with `token`; resolves to the server's answer ("40{...}" or "44{...}"). */
  static async connectNamespace(url: string, token: string, sent?: () => void): Promise<{ raw: RawWebSocket; answer: string }> {
    const raw = await RawWebSocket.open(url, sent);
    raw.send(`40${JSON.stringify({ token })}`);
    return { raw, answer: await raw.next() };
  }

  /** The next text frame the server sent (Engine.IO pings are answered here and skipped). */
  async next(): Promise<string> {
    for (;;) {
      const frame = this.frames.shift();
      if (frame === "2") {
        this.send("3");
        continue;
      }
      if (frame !== undefined) return frame;
      if (this.tcp.destroyed) throw new Error("the connection closed");
      await Promise.race([new Promise<void>((resolve) => (this.waiter = resolve)), this.closed]);
    }
  }

  /** Writes one masked text frame; false when the TCP socket's buffer is full. */
  send(text: string): boolean {
    return this.tcp.write(frame(text));
  }

  /** Stops reading: what the server sends stays in the kernel, then in the server. */
  stopReading(): void {
    this.tcp.pause();
  }

  close(): void {
    this.tcp.destroy();
  }

  /**
   * Sends `make(i)` for i = 0, 1, ... in batches, waiting for its own TCP buffer to drain,
   * until the connection closes or `max` frames are sent. Resolves with how many were sent.
   */
  async flood(make: (i: number) => string, max: number, batch = 500): Promise<number> {
    let sent = 0;
    while (sent < max && !this.tcp.destroyed && this.tcp.writable) {
      const frames: Buffer[] = [];
      for (let i = 0; i < batch && sent < max; i++, sent++) frames.push(frame(make(sent)));
      if (!this.tcp.write(Buffer.concat(frames))) {
        // once() rejects on 'error' (the server reset the connection): that ends the flood too.
        await Promise.race([once(this.tcp, "drain").catch(() => undefined), this.closed]);
      } else {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    return sent;
  }

  private parse(): void {
    // Only what the tests need from a server: unmasked, unfragmented text frames.
    for (;;) {
      if (!this.upgraded) {
        const end = this.buffered.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = this.buffered.subarray(0, end).toString();
        if (!head.startsWith("HTTP/1.1 101")) throw new Error(`upgrade refused: ${head.split("\r\n")[0]}`);
        this.buffered = this.buffered.subarray(end + 4);
        this.upgraded = true;
        continue;
      }
      if (this.buffered.length < 2) return;
      let length = this.buffered[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffered.length < 4) return;
        length = this.buffered.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffered.length < 10) return;
        length = Number(this.buffered.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffered.length < offset + length) return;
      const opcode = this.buffered[0] & 0x0f;
      if (opcode === 1) this.frames.push(this.buffered.subarray(offset, offset + length).toString());
      this.buffered = this.buffered.subarray(offset + length);
      this.waiter?.();
    }
  }
}

/** A client frame: FIN + text opcode, masked as RFC 6455 requires of clients. */
function frame(text: string): Buffer {
  const payload = Buffer.from(text);
  const length = payload.length;
  const head = length < 126 ? Buffer.from([0x81, 0x80 | length]) : Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff]);
  if (length > 0xffff) throw new Error("frame too long for this client");
  const mask = randomBytes(4);
  const masked = Buffer.alloc(length);
  for (let i = 0; i < length; i++) masked[i] = payload[i] ^ mask[i & 3];
  return Buffer.concat([head, mask, masked]);
}
