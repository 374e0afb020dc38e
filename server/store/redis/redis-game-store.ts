import type { Redis } from "ioredis";
import type { SlotState, Variant } from "../../../shared/protocol";
import { isErrorCode, protocolError } from "../../../shared/protocol";
import type { ClaimBatchArgs, ClaimBatchReply } from "../../domain/claim-batch";
import type { GameStore, GameView, NewGame, StoreResult } from "../../ports/game-store";
import { gameIdTaken, notYourGame, tooFewSlots, wrongPhase } from "../../domain/game-errors";
import { expandCardRanges } from "../game-records";
import { isMissingFunction, loadFunctionLibrary } from "./function-library";
import { gameKeys } from "./keys";

export interface RedisGameStoreOptions {
  /** Seconds a game's keys live after their last write. */
  readonly gameTtlSeconds: number;
  /** Called with errors that are not plain unavailability (bugs, Redis replies we did not expect). */
  readonly onUnexpectedError?: (error: unknown) => void;
}

const UNAVAILABLE = { ok: false, error: protocolError("UNAVAILABLE") } as const;

/**
 * Games on Redis, shared by every node. Each operation is one round trip; a tick's claims
 * for one game are one MULTI/EXEC around one function call (bingo.lua: bingo_claims).
 *
 * The connection should be made with `enableOfflineQueue: false` and a `commandTimeout`,
 * so that an unreachable Redis answers UNAVAILABLE at once instead of queueing claims.
 */
export class RedisGameStore implements GameStore {
  constructor(
    private readonly redis: Redis,
    private readonly options: RedisGameStoreOptions,
  ) {}

  /** Loads the function library; call once before serving. */
  async init(): Promise<void> {
    await loadFunctionLibrary(this.redis);
  }

  async createGame(game: NewGame): Promise<StoreResult<void>> {
    const k = gameKeys(game.id);
    const reply = await this.call(() =>
      this.redis.fcall("bingo_create", 1, k.game, game.hostId, game.title, game.variant, this.options.gameTtlSeconds),
    );
    if (!reply.ok) return reply;
    return reply.value === 1 ? { ok: true, value: undefined } : { ok: false, error: gameIdTaken() };
  }

  async openClaims(gameId: string, hostId: string, totalSlots: number, maxPerPlayer: number): Promise<StoreResult<SlotState>> {
    const reply = await this.call(() => this.redis.fcall("bingo_open", 1, gameKeys(gameId).game, hostId, totalSlots, maxPerPlayer));
    return reply.ok ? slotReply(reply.value) : reply;
  }

  async closeClaims(gameId: string, hostId: string): Promise<StoreResult<SlotState>> {
    const reply = await this.call(() => this.redis.fcall("bingo_close", 1, gameKeys(gameId).game, hostId));
    return reply.ok ? slotReply(reply.value) : reply;
  }

  async view(gameId: string, playerId: string): Promise<StoreResult<GameView>> {
    const k = gameKeys(gameId);
    const reply = await this.call(() => this.redis.fcall_ro("bingo_view", 2, k.game, k.cards, playerId));
    if (!reply.ok) return reply;
    const v = reply.value as [string, string, number, number, number, number, number, string] | [];
    if (v.length === 0) return { ok: false, error: protocolError("NOT_FOUND") };
    const [phase, title, variant, maxPerPlayer, total, remaining, version, ranges] = v;
    return {
      ok: true,
      value: {
        id: gameId,
        title,
        variant: variant as Variant,
        phase: phase as GameView["phase"],
        maxPerPlayer,
        slots: { total, remaining, version },
        myCards: expandCardRanges(parseRanges(ranges)),
      },
    };
  }

  async resolveClaims(gameId: string, batch: ClaimBatchArgs): Promise<StoreResult<ClaimBatchReply>> {
    const k = gameKeys(gameId);
    const reply = await this.call(async () => {
      // One MULTI per tick per game: the whole batch commits or none of it runs.
      const results = await this.redis.multi().fcall("bingo_claims", 4, k.game, k.owned, k.cards, k.requests, ...batch).exec();
      const [error, value] = results![0];
      if (error) throw error;
      return value;
    });
    if (!reply.ok) return reply;
    const value = reply.value as number[];
    if (value.length === 1 && value[0] === -1) return { ok: false, error: protocolError("NOT_FOUND") };
    return { ok: true, value };
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === "PONG";
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  /**
   * Runs one Redis round trip. A Redis that restarted without persistence has lost the
   * function library: load it again and retry once. Connection problems become UNAVAILABLE.
   */
  private async call(run: () => Promise<unknown>): Promise<StoreResult<unknown>> {
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      if (isMissingFunction(error)) {
        try {
          await loadFunctionLibrary(this.redis);
          return { ok: true, value: await run() };
        } catch (retryError) {
          return this.failure(retryError);
        }
      }
      return this.failure(error);
    }
  }

  private failure(error: unknown): StoreResult<never> {
    if (!isReplyError(error)) return UNAVAILABLE;
    this.options.onUnexpectedError?.(error);
    return { ok: false, error: protocolError("INTERNAL") };
  }
}

function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === "ReplyError";
}

function slotReply(value: unknown): StoreResult<SlotState> {
  const [status, a, b, c] = value as [string, number | string, number, number];
  if (status === "OK") return { ok: true, value: { total: Number(a), remaining: b, version: c } };
  if (!isErrorCode(status)) return { ok: false, error: protocolError("INTERNAL") };
  if (status === "WRONG_PHASE") return { ok: false, error: wrongPhase(String(a)) };
  if (status === "BAD_REQUEST") return { ok: false, error: tooFewSlots(a) };
  if (status === "FORBIDDEN") return { ok: false, error: notYourGame() };
  return { ok: false, error: protocolError(status) };
}

/** "first:count,first:count" → [first, count, first, count] */
function parseRanges(text: string): number[] {
  if (!text) return [];
  const out: number[] = [];
  for (const range of text.split(",")) {
    const [first, count] = range.split(":");
    out.push(Number(first), Number(count));
  }
  return out;
}
