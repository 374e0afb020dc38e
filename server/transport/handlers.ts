import type { Logger } from "pino";
import type { Ack, AckFn, AckOf, ClientEvent, PayloadOf, Phase, RoundBody, SlotState } from "../../shared/protocol";
import { DEFAULT_PATTERNS, protocolError } from "../../shared/protocol";
import type { ClaimEngine } from "../claims/claim-engine";
import { drawOrder } from "../domain/cards";
import { commitmentOf } from "../domain/fair-random";
import { newGameId } from "../game/game-ids";
import type { GameCatalog } from "../game/game-rules";
import type { RoundConductor } from "../game/round-conductor";
import { newSeed } from "../game/seeds";
import { roundOf, snapshotOf } from "../game/snapshots";
import type { GameStore, RoundControl, StoreResult } from "../ports/game-store";
import type { PlayerDirectory } from "../ports/push-ports";
import { StoreNotReachedError } from "../ports/store-not-reached";
import type { PushEvents } from "../push/push-events";
import type { BingoServer, BingoSocket } from "./socket-types";
import { hostsOf, roomOf } from "./socket-types";

export interface HandlerDeps {
  readonly io: BingoServer;
  readonly directory: PlayerDirectory;
  readonly push: PushEvents;
  readonly store: GameStore;
  readonly engine: ClaimEngine;
  readonly catalog: GameCatalog;
  readonly conductor: RoundConductor;
  /** The claim window's grace after the next ball, for games created on this node. */
  readonly claimGraceMs: number;
  /** Unfinished games one host may have (MAX_GAMES_PER_HOST). */
  readonly maxGamesPerHost: number;
  /** Game lifecycle lines (created, claims opened and closed, round started, finished), with the game id. */
  readonly log: Logger;
}

type Handler<E extends ClientEvent> = (socket: BingoSocket, payload: PayloadOf<E>, reply: AckFn<AckOf<E>>) => void | Promise<void>;
export type Handlers = { readonly [E in ClientEvent]: Handler<E> };

const DEFAULT_TITLE = "Bingo show";

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
const CREATE_ATTEMPTS = 5;
const READ_BACK_FAILED = "the change was made, but the round could not be read back in time; game:join shows the state";

/**
 * What each client event does, once its sender's role and payload have been checked
 * (socket-gateway.ts). Card claims and bingo calls only join their game's queue; the tick
 * answers them.
 */
export function createHandlers({ io, store, engine, catalog, conductor, claimGraceMs, maxGamesPerHost, directory, push, log }: HandlerDeps): Handlers {
  const toRoom = (gameId: string) => io.to(roomOf(gameId));

  const claimWindowChanged = (gameId: string, phase: Phase, slots: SlotState, maxPerPlayer?: number): void => {
    engine.offer(gameId, slots, true);
    toRoom(gameId).emit("game:phase", maxPerPlayer === undefined ? { gameId, phase } : { gameId, phase, maxPerPlayer });
  };

  /** The round as `hostId` sees it now, for the ack of a round control event. */
  const roundNow = async (gameId: string, hostId: string): Promise<StoreResult<RoundBody>> => {
    const [view, rules] = await Promise.all([store.view(gameId, hostId), catalog.load(gameId)]);
    if (!view.ok) return view;
    if (!rules.ok) return rules;
    return { ok: true, value: { round: roundOf(view.value, rules.value) } };
  };

  const roundChanged = (gameId: string, { paused, autoIntervalMs, roundVersion }: RoundControl): void => {
    toRoom(gameId).emit("game:phase", { gameId, phase: "running", paused, autoIntervalMs, version: roundVersion });
  };

  /** Answers a round change the store has made: if reading it back fails, the change is still made, so never UNAVAILABLE. */
  const answerRound = async (gameId: string, hostId: string, reply: AckFn<RoundBody>): Promise<void> => {
    const round = await roundNow(gameId, hostId);
    reply(round.ok ? { ok: true, ...round.value } : { ok: false, error: protocolError("OUTCOME_UNKNOWN", READ_BACK_FAILED) });
  };

  return {
    "game:create": async (socket, payload, reply) => {
      const variant = payload.variant ?? 75;
      const patterns = payload.patterns ?? DEFAULT_PATTERNS[variant];
      const seed = newSeed();
      const commitment = commitmentOf(seed);
      for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
        const gameId = newGameId();
        const created = await store.createGame({
          id: gameId,
          hostId: socket.data.sub,
          title: payload.title ?? DEFAULT_TITLE,
          variant,
          seed,
          commitment,
          patterns,
          prizes: payload.prizes ?? patterns.map(() => 0),
          order: drawOrder(seed, variant),
          graceMs: claimGraceMs,
          recordIds: payload.recordIds ?? "sub",
        }, maxGamesPerHost);
        if (created.ok) {
          log.info({ gameId, hostId: socket.data.sub, variant }, "game created");
          return reply({ ok: true, gameId, commitment });
        }
        if (created.error.code !== "BAD_REQUEST") return reply(created);
      }
      reply({ ok: false, error: protocolError("INTERNAL", "could not find a free game id") });
    },

    "claims:open": async (socket, { gameId, totalSlots, maxPerPlayer }, reply) => {
      const opened = await store.openClaims(gameId, socket.data.sub, totalSlots, maxPerPlayer);
      if (!opened.ok) return reply(opened);
      // Push first: it then knows this state, and the count it is shared as is not pushed again.
      log.info({ gameId, totalSlots, maxPerPlayer }, "claims opened");
      push.claimsOpened(gameId, opened.value);
      claimWindowChanged(gameId, "claiming", opened.value, maxPerPlayer);
      reply({ ok: true, slots: opened.value });
    },

    "claims:close": async (socket, { gameId }, reply) => {
      const closed = await store.closeClaims(gameId, socket.data.sub);
      if (!closed.ok) return reply(closed);
      log.info({ gameId, remaining: closed.value.remaining }, "claims closed");
      push.claimsClosed(gameId, closed.value);
      claimWindowChanged(gameId, "lobby", closed.value);
      reply({ ok: true, slots: closed.value });
    },

    "game:join": async (socket, { gameId }, reply) => {
      // Join the room before reading, so nothing committed after the read is missed.
      const room = roomOf(gameId);
      const alreadyIn = socket.rooms.has(room);
      await socket.join(room);
      const view = await store.view(gameId, socket.data.sub);
      if (!view.ok) {
        if (!alreadyIn) await socket.leave(room);
        return reply(view);
      }
      const game = view.value;
      // Back in the room: the socket carries the updates again, not push.
      if (socket.data.role === "player") await directory.joined(gameId, socket.data.sub).catch(() => undefined);
      else if (game.hostId === socket.data.sub) await socket.join(hostsOf(gameId));
      const rules = catalog.remember(gameId, game.variant, game.seed, game.patterns);
      engine.offer(gameId, game.slots, false);
      if (game.phase === "running" && game.autoIntervalMs !== null) conductor.follow(gameId, game.autoIntervalMs);
      reply({ ok: true, game: snapshotOf(game, rules) });
    },

    // Read-only: no room, no directory write, so a backgrounded app stays pushed (docs/push.md).
    "game:peek": async (socket, { gameId }, reply) => {
      const view = await store.view(gameId, socket.data.sub);
      if (!view.ok) return reply(view);
      const game = view.value;
      reply({ ok: true, game: snapshotOf(game, catalog.remember(gameId, game.variant, game.seed, game.patterns)) });
    },

    "cards:claim": (socket, { gameId, count, requestId }, reply) => {
      engine.enqueue(gameId, socket.data.sub, requestId, count, reply);
    },

    "round:start": async (socket, { gameId }, reply) => {
      const started = await store.startRound(gameId, socket.data.sub);
      if (!started.ok) return reply(started);
      log.info({ gameId, cards: started.value.slots.total - started.value.slots.remaining }, "round started");
      push.roundStarted(gameId, started.value.slots);
      engine.offer(gameId, started.value.slots, true);
      toRoom(gameId).emit("game:phase", { gameId, phase: "running", paused: false, autoIntervalMs: null, version: started.value.roundVersion });
      await answerRound(gameId, socket.data.sub, reply);
    },

    "round:draw": async (socket, { gameId, index }, reply) => {
      const drawn = await conductor.draw(gameId, { hostId: socket.data.sub }, index ?? null);
      if (!drawn.ok) return reply(drawn);
      const { ball, index: at, roundVersion } = drawn.value;
      reply({ ok: true, ball, index: at, version: roundVersion });
    },

    "round:auto": async (socket, { gameId, intervalMs }, reply) => {
      const changed = await store.controlRound(gameId, socket.data.sub, { op: "auto", intervalMs });
      if (!changed.ok) return reply(changed);
      conductor.setAuto(gameId, intervalMs);
      roundChanged(gameId, changed.value);
      await answerRound(gameId, socket.data.sub, reply);
    },

    "round:pause": async (socket, { gameId }, reply) => {
      const changed = await store.controlRound(gameId, socket.data.sub, { op: "pause" });
      if (!changed.ok) return reply(changed);
      roundChanged(gameId, changed.value);
      await answerRound(gameId, socket.data.sub, reply);
    },

    "round:resume": async (socket, { gameId }, reply) => {
      const changed = await store.controlRound(gameId, socket.data.sub, { op: "resume" });
      if (!changed.ok) return reply(changed);
      roundChanged(gameId, changed.value);
      await answerRound(gameId, socket.data.sub, reply);
    },

    "round:end": async (socket, { gameId }, reply) => {
      const finished = await store.finishGame(gameId, socket.data.sub);
      if (!finished.ok) return reply(finished);
      const { seed, awards, roundVersion, awardedNow } = finished.value;
      conductor.forget(gameId);
      log.info({ gameId, awards: awards.length }, "game ended by the host");
      if (awardedNow) {
        const { pattern, ballIndex, winners, prizeEach } = awards[awards.length - 1];
        toRoom(gameId).emit("winners", { gameId, pattern, ballIndex, winners, prizeEach, version: roundVersion });
      }
      toRoom(gameId).emit("game:phase", { gameId, phase: "finished", version: roundVersion });
      toRoom(gameId).emit("game:finished", { gameId, seed, results: awards, version: roundVersion });
      if (awardedNow) push.won(gameId, awards[awards.length - 1]);
      push.finished(gameId, seed);
      reply({ ok: true, seed, results: awards });
    },

    "bingo:call": async (socket, { gameId, cardId, requestId }, reply) => {
      const rules = await catalog.load(gameId);
      if (!rules.ok) return reply(rules);
      engine.call(gameId, socket.data.sub, requestId, cardId, rules.value.completions(cardId), reply);
    },

    "bingo:auto": async (socket, { gameId, enabled }, reply) => {
      const set = await store.setAutoClaim(gameId, socket.data.sub, enabled);
      reply(set.ok ? { ok: true, enabled } : set);
    },

    "push:register": async (socket, { token, platform }, reply) => {
      reply(await attempt(() => directory.registerToken(socket.data.sub, token, platform), {}));
    },

    "push:unregister": async (socket, { token }, reply) => {
      reply(await attempt(() => directory.dropToken(socket.data.sub, token), {}));
    },

    "app:state": async (socket, { state }, reply) => {
      reply(await attempt(() => directory.setAppState(socket.data.sub, state), { state }));
    },
  };
}
