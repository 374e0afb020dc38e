import type { Server as HttpServer } from "node:http";
import type { Socket as TcpSocket } from "node:net";

export interface ConnectionGateOptions {
  /** MAX_CONNECTIONS: connections this node serves, admitted or not yet. */
  readonly maxConnections: number;
  /** HANDSHAKE_TIMEOUT_MS: a connection not admitted by then is destroyed. */
  readonly handshakeTimeoutMs: number;
  /** A connection was destroyed for not finishing its handshake in time. */
  readonly timedOut: () => void;
  /** A TCP connection was refused at once: the node was over its hard cap. */
  readonly dropped: () => void;
}

/**
 * Above MAX_CONNECTIONS, TCP connections are still accepted up to this many more, so that a
 * Socket.IO client over the cap hears why (a coded connect_error) instead of a reset;
 * past it the kernel's connection is closed at once.
 */
export function headroomOf(maxConnections: number): number {
  return Math.max(16, Math.ceil(maxConnections / 100));
}

/**
 * Counts every TCP connection of the HTTP server, from its first byte, not only admitted
 * Socket.IO sockets: a connection that never finishes its handshake costs a file too.
 * Each one gets HANDSHAKE_TIMEOUT_MS to become either an admitted socket (the
 * authenticated Socket.IO connect) or a plain HTTP request (then Node's own HTTP timeouts
 * govern it); otherwise it is destroyed. One timer per connection, cleared on admission.
 */
export class ConnectionGate {
  private open = 0;
  private readonly waiting = new Map<TcpSocket, NodeJS.Timeout>();

  constructor(
    httpServer: HttpServer,
    private readonly options: ConnectionGateOptions,
  ) {
    httpServer.maxConnections = options.maxConnections + headroomOf(options.maxConnections);
    httpServer.on("drop", () => options.dropped());
    httpServer.on("connection", (tcp: TcpSocket) => this.connected(tcp));
    // A plain HTTP request (health, metrics, pages): an ordinary HTTP client, not a stalled handshake.
    httpServer.on("request", (request: { socket: TcpSocket }) => this.settled(request.socket));
  }

  /** TCP connections open now: admitted sockets, handshakes in progress, HTTP clients. */
  get size(): number {
    return this.open;
  }

  /** Connections still inside their handshake window (tests, metrics). */
  get pending(): number {
    return this.waiting.size;
  }

  /** Whether the node is full for a connection asking to be admitted (which is already counted). */
  full(): boolean {
    return this.open - 1 >= this.options.maxConnections;
  }

  /** The connection completed the authenticated Socket.IO connect: it stays. */
  admitted(tcp: TcpSocket | undefined): void {
    if (tcp) this.settled(tcp);
  }

  private connected(tcp: TcpSocket): void {
    this.open++;
    const timer = setTimeout(() => {
      this.waiting.delete(tcp);
      this.options.timedOut();
      tcp.destroy();
    }, this.options.handshakeTimeoutMs);
    timer.unref();
    this.waiting.set(tcp, timer);
    tcp.once("close", () => {
      this.open--;
      this.settled(tcp);
    });
  }

  private settled(tcp: TcpSocket): void {
    const timer = this.waiting.get(tcp);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.waiting.delete(tcp);
  }
}
