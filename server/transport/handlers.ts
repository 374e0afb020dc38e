import type { Ack, AckFn, AckOf, ClientEvent, PayloadOf } from "../../shared/protocol";
import { protocolError } from "../../shared/protocol";
import type { GameCoordinator } from "../game/game-coordinator";
import type { HostReports } from "../game/host-reports";
import type { StoreResult } from "../ports/game-store";
import type { PlayerDirectory } from "../ports/push-ports";
import type { PushPrefs } from "../../shared/protocol/push-prefs";
import { NO_PUSH_PREFS } from "../domain/push-prefs";
import { StoreNotReachedError } from "../ports/store-not-reached";
import type { AckedSlots } from "./acked-slots";
import { JoinsInFlight } from "./joins-in-flight";
import type { BingoSocket } from "./socket-types";
import { hostsOf, roomOf } from "./socket-types";

export interface HandlerDeps {
  readonly games: GameCoordinator;
  readonly directory: PlayerDirectory;
  readonly reports: HostReports;
  /** This node instance's id (see trackPresence): the directory indexes joins by it. */
  readonly instance: string;
  /** Each claimer's acked count, which the next `slots` broadcast then skips. */
  readonly ackedSlots: AckedSlots;
}

type Handler<E extends ClientEvent> = (socket: BingoSocket, payload: PayloadOf<E>, reply: AckFn<AckOf<E>>) => void | Promise<void>;
export type Handlers = { readonly [E in ClientEvent]: Handler<E> };

/** A store result as an ack: its value's fields beside `ok`. */
const ackOf = <T extends object>(result: StoreResult<T>): Ack<T> => (result.ok ? { ok: true, ...result.value } : result);

/**
 * Runs a directory write. UNAVAILABLE only when the write was never sent; a write that was
 * sent and failed may have been done (OUTCOME_UNKNOWN: these writes are safe to send again).
 */
async function attempt<T extends object>(write: () => Promise<void>, body: T): Promise<Ack<T>> {
  try {
    await write();
    return { ok: true, ...body };
  } catch (error) {
    return { ok: false, error: protocolError(error instanceof StoreNotReachedError ? "UNAVAILABLE" : "OUTCOME_UNKNOWN") };
  }
}

/**
 * What each client event does, once its sender's role and payload have been checked
 * (socket-gateway.ts): one call to the game coordinator, then the answer. Card claims and
 * bingo calls only join their game's queue; the tick answers them.
 */
export function createHandlers({ games, directory, reports, instance, ackedSlots }: HandlerDeps): Handlers {
  const joinsInFlight = new JoinsInFlight();

  /** Joins the game's room, then answers with the game as the player sees it. */
  async function join(socket: BingoSocket, { gameId, knownCards }: PayloadOf<"game:join">, reply: AckFn<AckOf<"game:join">>): Promise<void> {
    // Join the room before the read (the join waits for its game's batch), so nothing
    // committed after the read is missed.
    const room = roomOf(gameId);
    const alreadyIn = socket.rooms.has(room);
    await socket.join(room);
    // A socket that disconnects while it waits is answered into the void: Socket.IO dropped
    // its rooms and makes join() a no-op after a disconnect, so nothing is left behind.
    // Asked when the batch is written: a socket that closed meanwhile joins as away (its
    // close may already be counted), so the push index keeps it a candidate.
    const onInstance = socket.data.role === "player" ? () => (socket.connected ? instance : undefined) : null;
    const joined = await games.join(gameId, socket.data.sub, onInstance, knownCards);
    if (!joined.ok) {
      if (!alreadyIn) await socket.leave(room);
      return reply(joined);
    }
    if (joined.value.hosting) await socket.join(hostsOf(gameId));
    reply({ ok: true, game: joined.value.answer });
  }

  return {
    "game:create": async (socket, payload, reply) => {
      reply(ackOf(await games.create(socket.data.sub, payload)));
    },

    "claims:open": async (socket, { gameId, totalSlots, maxPerPlayer }, reply) => {
      const opened = await games.openClaims(gameId, socket.data.sub, totalSlots, maxPerPlayer);
      reply(opened.ok ? { ok: true, slots: opened.value } : opened);
    },

    "claims:close": async (socket, { gameId }, reply) => {
      const closed = await games.closeClaims(gameId, socket.data.sub);
      reply(closed.ok ? { ok: true, slots: closed.value } : closed);
    },

    "game:join": async (socket, payload, reply) => {
      // Tracked from its first step: an app:state sent after it waits for it (JoinsInFlight).
      await joinsInFlight.track(socket, join(socket, payload, reply));
    },

    // Read-only: no room, no directory write, so a backgrounded app stays pushed (docs/push.md).
    "game:peek": async (socket, { gameId }, reply) => {
      const peeked = await games.peek(gameId, socket.data.sub);
      reply(peeked.ok ? { ok: true, game: peeked.value } : peeked);
    },

    "cards:claim": (socket, { gameId, count, requestId }, reply) => {
      games.claim(gameId, socket.data.sub, requestId, count, (answer) => {
        if (answer.ok) ackedSlots.note(socket, gameId, answer.slots.version);
        reply(answer);
      });
    },

    "round:start": async (socket, { gameId }, reply) => {
      reply(ackOf(await games.startRound(gameId, socket.data.sub)));
    },

    "round:draw": async (socket, { gameId, index }, reply) => {
      const drawn = await games.draw(gameId, socket.data.sub, index ?? null);
      if (!drawn.ok) return reply(drawn);
      const { ball, index: at, roundVersion } = drawn.value;
      reply({ ok: true, ball, index: at, version: roundVersion });
    },

    "round:auto": async (socket, { gameId, intervalMs }, reply) => {
      reply(ackOf(await games.controlRound(gameId, socket.data.sub, { op: "auto", intervalMs })));
    },

    "round:pause": async (socket, { gameId }, reply) => {
      reply(ackOf(await games.controlRound(gameId, socket.data.sub, { op: "pause" })));
    },

    "round:resume": async (socket, { gameId }, reply) => {
      reply(ackOf(await games.controlRound(gameId, socket.data.sub, { op: "resume" })));
    },

    "game:next": async (socket, { gameId }, reply) => {
      reply(ackOf(await games.next(gameId, socket.data.sub)));
    },

    "round:end": async (socket, { gameId }, reply) => {
      reply(ackOf(await games.finish(gameId, socket.data.sub)));
    },

    "bingo:call": async (socket, { gameId, cardId, requestId }, reply) => {
      await games.call(gameId, socket.data.sub, requestId, cardId, reply);
    },

    "bingo:auto": async (socket, { gameId, enabled }, reply) => {
      const set = await games.setAutoClaim(gameId, socket.data.sub, enabled);
      reply(set.ok ? { ok: true, enabled } : set);
    },

    "push:register": async (socket, { token, platform }, reply) => {
      reply(await attempt(() => directory.registerToken(socket.data.sub, token, platform), {}));
    },

    "push:unregister": async (socket, { token }, reply) => {
      reply(await attempt(() => directory.dropToken(socket.data.sub, token), {}));
    },

    "app:state": async (socket, { state }, reply) => {
      // After the socket's joins in flight: a join says foreground, and this word is newer.
      await joinsInFlight.settled(socket);
      reply(await attempt(() => directory.setAppState(socket.data.sub, state), { state }));
    },

    "push:prefs": async (socket, change, reply) => {
      let stored: PushPrefs = NO_PUSH_PREFS;
      const ack = await attempt(async () => {
        stored = await directory.setPushPrefs(socket.data.sub, change);
      }, {});
      reply(ack.ok ? { ok: true, muted: stored.muted, quietHours: stored.quietHours } : ack);
    },

    "player:name": async (socket, { gameId, name }, reply) => {
      const set = await games.setName(gameId, socket.data.sub, name);
      reply(set.ok ? { ok: true, name } : set);
    },

    "players:list": async (socket, { gameId, cursor, limit }, reply) => {
      reply(ackOf(await reports.players(gameId, socket.data.sub, cursor, limit)));
    },
  };
}
