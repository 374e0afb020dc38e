import type { BingoServer, BingoSocket } from "./socket-types";

/**
 * The engine.io (6.6) and ws (8.x) fields that hold a socket's outgoing data, read-only.
 * They are not all in the typings, so they are named once, here:
 * - engine.io `Socket.writeBuffer`: packets queued while the transport is not writable
 *   (it is not writable from a send until ws reports that send handed to the kernel).
 *   `flush()` replaces the array rather than emptying it.
 * - the websocket transport's `socket`: the `ws` WebSocket, whose `bufferedAmount` is the
 *   bytes Node holds for the TCP socket plus what ws's sender has queued.
 */
interface EngineConnection {
  readonly writeBuffer?: readonly { readonly data?: unknown }[];
  readonly transport?: { readonly socket?: { readonly bufferedAmount?: number } };
}

/** A writeBuffer this long is counted incrementally, so a growing one costs O(new packets) per check. */
const COUNT_AT_ONCE = 64;

interface Counted {
  /** The writeBuffer array counted (a new array after each flush). */
  queue: readonly { readonly data?: unknown }[];
  packets: number;
  bytes: number;
}

function packetBytes(packet: { readonly data?: unknown }): number {
  const { data } = packet;
  // Strings are counted in UTF-16 units: the same as bytes for the ASCII JSON we send.
  if (typeof data === "string") return data.length + 1;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength + 1;
  return 1;
}

/**
 * Finds sockets whose client does not read: outgoing data the node holds for a socket
 * (the engine's queue plus ws/TCP buffered bytes) passing `maxBytes` calls `over`.
 * Checked when a socket is answered (growth from its own events) and by a periodic sweep
 * of every local socket (growth from room broadcasts). A check reads two fields; a long
 * queue is counted once per new packet, not once per check.
 */
export class SendBufferWatch {
  private readonly counted = new WeakMap<object, Counted>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly maxBytes: number,
    private readonly over: (socket: BingoSocket, bytes: number) => void,
  ) {}

  /** Bytes of outgoing data the node holds for this socket, not yet handed to the kernel. */
  unsent(socket: BingoSocket): number {
    const conn = socket.conn as unknown as EngineConnection;
    const buffered = conn.transport?.socket?.bufferedAmount;
    let bytes = typeof buffered === "number" ? buffered : 0;
    const queue = conn.writeBuffer;
    if (!queue || queue.length === 0) return bytes;
    if (queue.length <= COUNT_AT_ONCE) {
      this.counted.delete(conn);
      for (const packet of queue) bytes += packetBytes(packet);
      return bytes;
    }
    let seen = this.counted.get(conn);
    if (!seen || seen.queue !== queue) {
      seen = { queue, packets: 0, bytes: 0 };
      this.counted.set(conn, seen);
    }
    // The queue only grows until a flush swaps it for a new array.
    for (let i = seen.packets; i < queue.length; i++) seen.bytes += packetBytes(queue[i]);
    seen.packets = queue.length;
    return bytes + seen.bytes;
  }

  /** Calls `over` and returns true when the socket holds more than the cap. */
  check(socket: BingoSocket): boolean {
    const bytes = this.unsent(socket);
    if (bytes <= this.maxBytes) return false;
    this.over(socket, bytes);
    return true;
  }

  /** Checks every local socket of the namespace; returns how many were over. */
  sweep(io: BingoServer): number {
    let cut = 0;
    for (const socket of io.of("/").sockets.values()) if (this.check(socket)) cut++;
    return cut;
  }

  /** Sweeps every `intervalMs` until stop(). */
  start(io: BingoServer, intervalMs: number): void {
    this.timer = setInterval(() => this.sweep(io), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
