import type { Logger } from "pino";
import type { Ack, ClientEvent } from "../../shared/protocol";
import { CLIENT_EVENTS, parsePayload, protocolError } from "../../shared/protocol";
import type { Handlers } from "./handlers";
import type { BingoServer, BingoSocket } from "./socket-types";
import type { TokenAuthority } from "./tokens";

const EVENT_NAMES = Object.keys(CLIENT_EVENTS) as ClientEvent[];
const FORBIDDEN: Ack = { ok: false, error: protocolError("FORBIDDEN", "your role may not send this event") };
const WRONG_ARITY: Ack = { ok: false, error: protocolError("BAD_REQUEST", "send exactly one payload object, then the ack callback") };

/**
 * Socket.IO edge: authenticates each connection, then for every client event checks the
 * ack, the sender's role and the payload schema before the handler sees anything.
 * Bad input is answered with an error ack and changes nothing.
 */
export function attachGateway(io: BingoServer, tokens: TokenAuthority, handlers: Handlers, log: Logger): void {
  io.use((socket, next) => {
    const identity = tokens.verify(socket.handshake.auth?.token);
    if (typeof identity === "string") {
      const error = new Error(identity) as Error & { data?: unknown };
      error.data = protocolError("UNAUTHORIZED", identity);
      return next(error);
    }
    socket.data = identity;
    next();
  });

  io.on("connection", (socket) => {
    for (const event of EVENT_NAMES) {
      socket.on(event, (...args: unknown[]) => dispatch(socket, event, args));
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
