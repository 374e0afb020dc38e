import type { AckFn, AckOf, ClientEvent, PayloadOf, Phase, SlotState } from "../../shared/protocol";
import { protocolError } from "../../shared/protocol";
import type { ClaimEngine } from "../claims/claim-engine";
import { newGameId } from "../game/game-ids";
import type { GameStore } from "../ports/game-store";
import type { BingoServer, BingoSocket } from "./socket-types";
import { roomOf } from "./socket-types";

export interface HandlerDeps {
  readonly io: BingoServer;
  readonly store: GameStore;
  readonly engine: ClaimEngine;
}

type Handler<E extends ClientEvent> = (socket: BingoSocket, payload: PayloadOf<E>, reply: AckFn<AckOf<E>>) => void | Promise<void>;
export type Handlers = { readonly [E in ClientEvent]: Handler<E> };

const DEFAULT_TITLE = "Bingo show";
const CREATE_ATTEMPTS = 5;

/**
 * What each client event does, once its sender's role and payload have been checked
 * (socket-gateway.ts). Claims only join their game's queue; the tick answers them.
 */
export function createHandlers({ io, store, engine }: HandlerDeps): Handlers {
  const phaseChanged = (gameId: string, phase: Phase, slots: SlotState): void => {
    engine.offer(gameId, slots, true);
    io.to(roomOf(gameId)).emit("game:phase", { gameId, phase });
  };

  return {
    "game:create": async (socket, payload, reply) => {
      for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
        const gameId = newGameId();
        const created = await store.createGame({
          id: gameId,
          hostId: socket.data.sub,
          title: payload.title ?? DEFAULT_TITLE,
          variant: payload.variant ?? 75,
        });
        if (created.ok) return reply({ ok: true, gameId });
        if (created.error.code !== "BAD_REQUEST") return reply(created);
      }
      reply({ ok: false, error: protocolError("INTERNAL", "could not find a free game id") });
    },

    "claims:open": async (socket, { gameId, totalSlots, maxPerPlayer }, reply) => {
      const opened = await store.openClaims(gameId, socket.data.sub, totalSlots, maxPerPlayer);
      if (!opened.ok) return reply(opened);
      phaseChanged(gameId, "claiming", opened.value);
      reply({ ok: true, slots: opened.value });
    },

    "claims:close": async (socket, { gameId }, reply) => {
      const closed = await store.closeClaims(gameId, socket.data.sub);
      if (!closed.ok) return reply(closed);
      phaseChanged(gameId, "lobby", closed.value);
      reply({ ok: true, slots: closed.value });
    },

    "game:join": async (socket, { gameId }, reply) => {
      // Join the room before reading, so no state committed after the read is missed.
      const room = roomOf(gameId);
      const alreadyIn = socket.rooms.has(room);
      await socket.join(room);
      const view = await store.view(gameId, socket.data.sub);
      if (!view.ok) {
        if (!alreadyIn) await socket.leave(room);
        return reply(view);
      }
      engine.offer(gameId, view.value.slots, false);
      reply({ ok: true, game: view.value });
    },

    "cards:claim": (socket, { gameId, count, requestId }, reply) => {
      engine.enqueue(gameId, socket.data.sub, requestId, count, reply);
    },
  };
}
