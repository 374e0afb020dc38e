import type { Logger } from "pino";
import type { Ack, ClientEvent, ErrorCode } from "../../shared/protocol";
import { CLIENT_EVENTS, parsePayload, protocolError } from "../../shared/protocol";
import type { OriginPolicy } from "../http/origins";
import type { Metrics } from "../ports/metrics";
import type { EventLimits } from "./event-limits";
import type { Handlers } from "./handlers";
import type { BingoServer, BingoSocket } from "./socket-types";
import type { TokenAuthority } from "./tokens";

const EVENT_NAMES = Object.keys(CLIENT_EVENTS) as ClientEvent[];
const FORBIDDEN: Ack = { ok: false, error: protocolError("FORBIDDEN", "your role may not send this event") };
const WRONG_ARITY: Ack = { ok: false, error: protocolError("BAD_REQUEST", "send exactly one payload object, then the ack callback") };
const RATE_LIMITED: Ack = { ok: false, error: protocolError("RATE_LIMITED", "too many events from this connection or player; nothing was done, slow down") };

export interface GatewayDeps {
  readonly tokens: TokenAuthority;
  readonly handlers: Handlers;
  readonly log: Logger;
  readonly limits: EventLimits;
  readonly origins: OriginPolicy;
  readonly metrics: Metrics;
  /** Sockets this node admits at once (MAX_CONNECTIONS). */
  readonly maxConnections: number;
}

/** A connection refusal as clients see it: connect_error with `data: { code, message }`. */
function refusal(code: ErrorCode, message: string): Error {
  const error = new Error(message) as Error & { data?: unknown };
  error.data = protocolError(code, message);
  return error;
}

/**
 * Socket.IO edge: admits a connection if the node has room, its origin is allowed and its
 * token is valid; then for every client event spends from the socket's and the player's
 * token buckets and checks the ack, the sender's role and the payload schema before the
 * handler sees anything. Bad or excess input is answered with an error ack and changes nothing.
 */
export function attachGateway(io: BingoServer, { tokens, handlers, log, limits, origins, metrics, maxConnections }: GatewayDeps): void {
  const sockets = io.of("/").sockets;
  io.use((socket, next) => {
    // First, before any work: a full node turns a flood away cheaply.
    if (sockets.size >= maxConnections) {
      metrics.connectionRefused("UNAVAILABLE");
      return next(refusal("UNAVAILABLE", `this node holds its maximum of ${maxConnections} connections; connect to another node or try again later`));
    }
    const { origin, host } = socket.handshake.headers;
    if (!origins.socketAllowed(origin, host)) {
      metrics.connectionRefused("FORBIDDEN");
      return next(refusal("FORBIDDEN", `origin ${origin} is not allowed (CORS_ORIGINS)`));
    }
    const identity = tokens.verify(socket.handshake.auth?.token);
    if (typeof identity === "string") {
      metrics.connectionRefused("UNAUTHORIZED");
      return next(refusal("UNAUTHORIZED", identity));
    }
    socket.data = identity;
    next();
  });

  io.on("connection", (socket) => {
    const playerId = socket.data.sub;
    const allowance = limits.opened(playerId);
    socket.on("disconnect", () => limits.closed(playerId));
    for (const event of EVENT_NAMES) {
      socket.on(event, (...args: unknown[]) => {
        const over = allowance.spend();
        if (over === null) return dispatch(socket, event, args);
        metrics.rateLimited(over);
        // An event without an ack over the limit is simply dropped.
        const ack = args[args.length - 1];
        if (typeof ack === "function") (ack as (response: Ack) => void)(RATE_LIMITED);
      });
    }
  });

  function dispatch(socket: BingoSocket, event: ClientEvent, args: unknown[]): void {
    const ack = args[args.length - 1];
    // Without an ack there is no way to answer, so nothing is done.
    if (typeof ack !== "function") return;
    const reply = ack as (response: Ack) => void;
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
