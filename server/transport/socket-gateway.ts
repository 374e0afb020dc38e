import type { Logger } from "pino";
import type { Ack, ClientEvent, ErrorCode } from "../../shared/protocol";
import { CLIENT_EVENTS, parsePayload, protocolError } from "../../shared/protocol";
import type { OriginPolicy } from "../identity/origins";
import type { Metrics } from "../ports/metrics";
import type { ConnectionGate } from "./connection-gate";
import { cutSocket } from "./connection-cut";
import type { EventLimits } from "./event-limits";
import type { Handlers } from "./handlers";
import type { SendBufferWatch } from "./send-buffer";
import type { BingoServer, BingoSocket } from "./socket-types";
import type { IdentityVerifier, VerifiedIdentity } from "../ports/identity";

const EVENT_NAMES = Object.keys(CLIENT_EVENTS) as ClientEvent[];
const FORBIDDEN: Ack = { ok: false, error: protocolError("FORBIDDEN", "your role may not send this event") };
const WRONG_ARITY: Ack = { ok: false, error: protocolError("BAD_REQUEST", "send exactly one payload object, then the ack callback") };
const RATE_LIMITED: Ack = { ok: false, error: protocolError("RATE_LIMITED", "too many events from this connection or player; nothing was done, slow down") };

export interface GatewayDeps {
  /** Checks the connect token (HS256, JWKS or both; see server/identity). */
  readonly identity: IdentityVerifier;
  readonly handlers: Handlers;
  readonly log: Logger;
  readonly limits: EventLimits;
  readonly origins: OriginPolicy;
  readonly metrics: Metrics;
  /** Counts this node's connections (MAX_CONNECTIONS) and times out unfinished handshakes. */
  readonly gate: ConnectionGate;
  readonly maxConnections: number;
  /** MAX_SOCKETS_PER_PLAYER on this node. */
  readonly maxSocketsPerPlayer: number;
  /** Checked each time a socket is answered (MAX_SEND_BUFFER_BYTES). */
  readonly sendBuffers: SendBufferWatch;
}

/** A connection refusal as clients see it: connect_error with `data: { code, message }`. */
function refusal(code: ErrorCode, message: string): Error {
  const error = new Error(message) as Error & { data?: unknown };
  error.data = protocolError(code, message);
  return error;
}

/** Disconnects a socket the node will not serve, once, and counts and logs why. */
export function cutAndCount(socket: BingoSocket, reason: "send-buffer" | "rate-abuse", metrics: Metrics, log: Logger, detail: object = {}): void {
  if (!cutSocket(socket, reason)) return;
  metrics.connectionCut(reason);
  log.warn({ sub: socket.data.sub, reason, ...detail }, "socket disconnected by the node");
}

/**
 * Socket.IO edge: admits a connection if the node has room, its origin is allowed, its
 * token is valid and its player has room; then for every client event spends from the
 * socket's and the player's token buckets and checks the ack, the sender's role and the
 * payload schema before the handler sees anything. Bad input is answered with an error ack
 * and changes nothing; excess input costs O(1) (see SocketAllowance) and a socket that
 * keeps it up, or whose answers pile up unread, is disconnected.
 */
export function attachGateway(io: BingoServer, deps: GatewayDeps): void {
  const { identity: verifier, handlers, log, limits, origins, metrics, gate, maxConnections, maxSocketsPerPlayer, sendBuffers } = deps;
  io.use((socket, done) => {
    // A refused connect is no longer a handshake in flight (MAX_HANDSHAKES); an admitted one
    // leaves the count at "connection".
    const next = (refused?: Error): void => {
      if (refused) gate.refused(socket.request?.socket);
      done(refused);
    };
    // First, before any work: a full node turns a flood away cheaply. Connections still in
    // their handshake count too (ConnectionGate).
    if (gate.full()) {
      metrics.connectionRefused("UNAVAILABLE");
      return next(refusal("UNAVAILABLE", `this node holds its maximum of ${maxConnections} connections; connect to another node or try again later`));
    }
    const { origin, host } = socket.handshake.headers;
    if (!origins.socketAllowed(origin, host)) {
      metrics.connectionRefused("FORBIDDEN");
      return next(refusal("FORBIDDEN", `origin ${origin} is not allowed (CORS_ORIGINS)`));
    }
    const verdict = verifier.verify(socket.handshake.auth?.token);
    // A JWKS kind may answer later (a key fetch); HS256 answers at once, without a promise turn.
    if (verdict instanceof Promise) {
      verdict.then(admit, (error: unknown) => admit(`token not checked: ${error instanceof Error ? error.message : String(error)}`));
    } else admit(verdict);

    function admit(identity: VerifiedIdentity | string): void {
      if (typeof identity === "string") {
        metrics.connectionRefused("UNAUTHORIZED");
        // Why, for the operator: never the token itself.
        log.info({ reason: identity, origin }, "connection refused: UNAUTHORIZED");
        return next(refusal("UNAUTHORIZED", identity));
      }
      if (limits.socketsOf(identity.sub) >= maxSocketsPerPlayer) {
        metrics.connectionRefused("RATE_LIMITED");
        return next(refusal("RATE_LIMITED", `this player already has ${maxSocketsPerPlayer} connections on this node; close one first`));
      }
      socket.data = identity;
      next();
    }
  });

  io.on("connection", (socket) => {
    gate.admitted(socket.request?.socket);
    const playerId = socket.data.sub;
    const allowance = limits.opened(playerId);
    socket.on("disconnect", () => limits.closed(playerId));
    for (const event of EVENT_NAMES) {
      socket.on(event, (...args: unknown[]) => {
        const ack = args[args.length - 1];
        const verdict = allowance.spend(typeof ack === "function");
        if (verdict.pass) return dispatch(socket, event, args);
        metrics.rateLimited(verdict.scope);
        if (verdict.action === "cut") return cutAndCount(socket, "rate-abuse", metrics, log, { scope: verdict.scope });
        // Answered at most once per refill window; the rest, and events without an ack, are dropped.
        if (verdict.action === "answer") answer(socket, ack as (response: Ack) => void, RATE_LIMITED);
      });
    }
  });

  /** Sends an ack, then checks that the socket's unsent answers stay under the cap. */
  function answer(socket: BingoSocket, ack: (response: Ack) => void, response: Ack): void {
    ack(response);
    sendBuffers.check(socket);
  }

  function dispatch(socket: BingoSocket, event: ClientEvent, args: unknown[]): void {
    const ack = args[args.length - 1];
    // Without an ack there is no way to answer, so nothing is done.
    if (typeof ack !== "function") return;
    const reply = (response: Ack): void => answer(socket, ack as (response: Ack) => void, response);
    if (!CLIENT_EVENTS[event].roles.includes(socket.data.role)) return reply(FORBIDDEN);
    if (args.length !== 2) return reply(WRONG_ARITY);
    const parsed = parsePayload(event, args[0]);
    if (!parsed.ok) return reply(parsed);
    const handler = handlers[event] as (s: BingoSocket, p: unknown, r: (response: Ack) => void) => void | Promise<void>;
    const fail = (error: unknown): void => {
      log.error({ err: error, event, sub: socket.data.sub }, "handler failed");
      reply({ ok: false, error: protocolError("INTERNAL") });
    };
    try {
      const pending = handler(socket, parsed.value, reply);
      if (pending) pending.catch(fail);
    } catch (error) {
      fail(error);
    }
  }
}
