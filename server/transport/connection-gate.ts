import type { Server as HttpServer } from "node:http";
import type { Socket as TcpSocket } from "node:net";

export interface ConnectionGateOptions {
  /** MAX_CONNECTIONS: connections this node serves, admitted or not yet. */
  readonly maxConnections: number;
  /** HANDSHAKE_TIMEOUT_MS: a connection in its handshake that makes no progress for this long is destroyed. */
  readonly handshakeTimeoutMs: number;
  /** HANDSHAKE_MAX_MS: a connection not admitted by then is destroyed, however it progresses. */
  readonly handshakeMaxMs: number;
  /** MAX_HANDSHAKES: WebSocket upgrades this node works on at once, until each one's Socket.IO connect is answered. */
  readonly maxHandshakes: number;
  /** A WebSocket upgrade was turned away at once: MAX_HANDSHAKES were in progress. */
  readonly busy: () => void;
  /** A WebSocket upgrade was read after waiting this long since its TCP accept (ms). */
  readonly upgradeWaited: (ms: number) => void;
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

/** A connection inside its handshake: its timer, and how far it had got when last looked at. */
interface Pending {
  timer: NodeJS.Timeout;
  readonly since: number;
  /** bytesRead + bytesWritten at the last look. */
  seen: number;
}

/**
 * Counts every TCP connection of the HTTP server, from its first byte, not only admitted
 * Socket.IO sockets: a connection that never finishes its handshake costs a file too.
 * Each one must become either an admitted socket (the authenticated Socket.IO connect) or
 * a plain HTTP request (then Node's own HTTP timeouts govern it). It is destroyed when it
 * makes no progress for HANDSHAKE_TIMEOUT_MS, or is still not admitted at HANDSHAKE_MAX_MS.
 *
 * Why progress and not one deadline from the TCP accept: in a mass reconnect the node
 * itself falls behind, and a fixed deadline then cut handshakes that were only waiting for
 * the node (measured: 14,000 to 17,000 cuts per node in a 20,000-client storm, whose clients
 * came back and made it worse). A stalled client still goes after one window: progress is
 * bytes read from it or written to it (the 101, the open packet), so a silent, half-sent or
 * unresponsive client shows none. The look happens after the event loop's pending reads
 * (setImmediate from the timer), so bytes that arrived while the node was busy count.
 * One timer per connection at a time (a new one per window), cleared on admission.
 */
export class ConnectionGate {
  private open = 0;
  private readonly waiting = new Map<TcpSocket, Pending>();
  /** Connections past their upgrade check whose Socket.IO connect is not answered yet (MAX_HANDSHAKES). */
  private readonly handshaking = new Set<TcpSocket>();

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

  /** WebSocket handshakes taken on and not yet answered (tests). */
  get handshakes(): number {
    return this.handshaking.size;
  }

  /**
   * Whether the node takes on this WebSocket upgrade now; asked before any work on it
   * (engine.io's allowRequest), and records how long the upgrade waited for the node.
   * Why a bound on handshakes in flight: a node that takes on more upgrades at once than it
   * can answer before their clients give up (the SDK waits 45 s per attempt) spends itself on
   * clients already gone, who come back and add to the queue. Turned away here, before the
   * WebSocket accept and the engine.io socket, a client costs the node one parse and retries
   * after its backoff. A backstop only: in the 50,000-client all-at-once storm measured with
   * counters (docs/performance.md) the count never reached a bound of 500, and the wait
   * recorded here showed the node reading upgrades promptly (6 of 163,447 after 10 s): the
   * clients' time was lost before the accept, in the kernel's full accept queue, which no
   * count kept here can see.
   */
  startHandshake(tcp: TcpSocket): boolean {
    if (this.handshaking.has(tcp)) return true;
    const pending = this.waiting.get(tcp);
    if (pending) this.options.upgradeWaited(Date.now() - pending.since);
    if (this.handshaking.size >= this.options.maxHandshakes) {
      this.options.busy();
      return false;
    }
    this.handshaking.add(tcp);
    return true;
  }

  /** Its Socket.IO connect was refused: no longer a handshake in flight (the connection's own deadlines still apply). */
  refused(tcp: TcpSocket | undefined): void {
    if (tcp) this.handshaking.delete(tcp);
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
    this.waiting.set(tcp, { timer: this.lookAfter(tcp, this.options.handshakeTimeoutMs), since: Date.now(), seen: 0 });
    tcp.once("close", () => {
      this.open--;
      this.settled(tcp);
    });
  }

  /** A window has passed: another one if the handshake moved and time is left, else the cut. */
  private look(tcp: TcpSocket): void {
    const pending = this.waiting.get(tcp);
    if (pending === undefined) return;
    const progress = tcp.bytesRead + tcp.bytesWritten;
    const elapsed = Date.now() - pending.since;
    if (progress > pending.seen && elapsed < this.options.handshakeMaxMs) {
      pending.seen = progress;
      pending.timer = this.lookAfter(tcp, Math.min(this.options.handshakeTimeoutMs, this.options.handshakeMaxMs - elapsed));
      return;
    }
    this.waiting.delete(tcp);
    this.options.timedOut();
    tcp.destroy();
  }

  private lookAfter(tcp: TcpSocket, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => setImmediate(() => this.look(tcp)), ms);
    timer.unref();
    return timer;
  }

  private settled(tcp: TcpSocket): void {
    this.handshaking.delete(tcp);
    const pending = this.waiting.get(tcp);
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    this.waiting.delete(tcp);
  }
}
