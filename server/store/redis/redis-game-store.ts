import type { AwardTime, ProtocolError, RecordedCalls, SlotState } from "../../../shared/protocol";
import { isErrorCode, isWrongPhaseReason, protocolError } from "../../../shared/protocol";
import type { CallBatchReply } from "../../domain/call-batch";
import type { ClaimBatchReply } from "../../domain/claim-batch";
import { gameIdTaken, notYourGame, tooFewSlots, tooManyGames, wrongPhase } from "../../domain/game-errors";
import type {
  DrawResult,
  Drawer,
  GameFinished,
  GameStore,
  GameViews,
  Lease,
  NewGame,
  PlayerPart,
  RoundControl,
  RoundLog,
  RoundOp,
  RosterEntry,
  RosterPage,
  RoundStarted,
  Settled,
  StoreResult,
  StoredGame,
  TickResult,
  TickWork,
} from "../../ports/game-store";
import { expandCardRanges, parseCardRanges } from "../game-records";
import type { RedisClient } from "./connection";
import { answers, readyToSend } from "./connection";
import { loadFunctionLibrary } from "./function-library";
import { gameKeys, hostGamesKey } from "./keys";
import { isMissingFunction, isReplyError } from "./reply-errors";
import { parseAward, playerPartOf, sharedGameOf, VIEW_FIELD_COUNT } from "./view-reply";

export interface RedisGameStoreOptions {
  /** Seconds a game's keys live after their last write. */
  readonly gameTtlSeconds: number;
  /** Called with errors that are not plain unavailability (bugs, Redis replies we did not expect). */
  readonly onUnexpectedError?: (error: unknown) => void;
}

const LIBRARY_RETRY_MS = 1000;
const UNAVAILABLE = { ok: false, error: protocolError("UNAVAILABLE") } as const;
const OUTCOME_UNKNOWN = { ok: false, error: protocolError("OUTCOME_UNKNOWN") } as const;
/** A reservation in a host's index whose game does not exist yet is kept this long: its creation may be on its way. */
const RESERVATION_GRACE_MS = 60_000;
const NOT_FOUND = { ok: false, error: protocolError("NOT_FOUND") } as const;

type Reply = (string | number)[];

/**
 * Games on Redis, shared by every node. Each operation is one round trip; a tick's work
 * for one game (claims, bingo calls, a due award) is one MULTI/EXEC around the function
 * calls of the `bingo` library (lua/).
 *
 * The connection should be made with `enableOfflineQueue: false` and a `commandTimeout`
 * (connection.ts), so an unreachable Redis answers UNAVAILABLE at once.
 *
 * What a failure means depends on whether the command left the node (see `call`): a write
 * held back because the connection was not ready is UNAVAILABLE (nothing was done); a write
 * that was sent and got no answer in time is OUTCOME_UNKNOWN (Redis may still run it; the
 * same requestId, draw index, or a fresh read tells the outcome). A read that got no answer
 * changed nothing, so it stays UNAVAILABLE.
 */
export class RedisGameStore implements GameStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: RedisGameStoreOptions,
  ) {}

  /** False until the function library was loaded once: /readyz says 503 until then. */
  private libraryLoaded = false;

  /** Loads the function library now; fails when Redis does not answer. */
  async init(): Promise<void> {
    await loadFunctionLibrary(this.redis);
    this.libraryLoaded = true;
  }

  /**
   * For a node that starts whether or not Redis is up: loads the library each time the
   * connection becomes ready (the first time, and after every reconnect, so a Redis that
   * came back empty has it before the first claim). Resolves after the first load.
   */
  loadLibraryWhenReady(onError: (error: unknown) => void): Promise<void> {
    return new Promise((resolve) => {
      const load = (): void => {
        this.init().then(resolve, (error) => {
          // Ready but the load failed (a Cluster master not reachable yet): try again shortly.
          onError(error);
          if (this.redis.status === "ready") setTimeout(load, LIBRARY_RETRY_MS).unref();
        });
      };
      this.redis.on("ready", load);
      if (this.redis.status === "ready") load();
    });
  }

  /**
   * Reserves a place in the host's index (its own key and slot), then creates the game (the
   * game's slot). Two commands, never one transaction: on a Cluster they live on different
   * slots. The index is only a list of candidates; what counts is each listed game's phase,
   * read here first, so finished and expired games stop counting. A creation that fails
   * gives its place back.
   */
  async createGame(game: NewGame, maxGamesPerHost = Infinity): Promise<StoreResult<void>> {
    const reserved = await this.reserveHostPlace(game.hostId, game.id, maxGamesPerHost);
    if (!reserved.ok) return reserved;
    const created = await this.createGameKeys(game);
    if (created.ok && created.value === 1) return { ok: true, value: undefined };
    // The game may exist when its creation's outcome is unknown: the place stays reserved
    // (a game that does not exist leaves the index once the grace has passed).
    if (created.ok || created.error.code !== "OUTCOME_UNKNOWN") await this.redis.zrem(hostGamesKey(game.hostId), game.id).catch(() => undefined);
    return created.ok ? { ok: false, error: gameIdTaken() } : created;
  }

  /**
   * Under the limit this is one command. At the limit, the listed games' phases are read
   * (at most `limit` of them), then the finished or expired ones leave the index and the
   * reservation is tried again. A reservation whose outcome is unknown is answered
   * UNAVAILABLE: no game was created, and a stray reservation leaves after the grace.
   */
  private async reserveHostPlace(hostId: string, gameId: string, limit: number): Promise<StoreResult<void>> {
    const index = hostGamesKey(hostId);
    const limitArg = Number.isFinite(limit) ? limit : 0;
    const reserve = async (gone: string[]): Promise<StoreResult<void>> => {
      const reply = await this.call("write", index, () =>
        this.redis.fcall("bingo_host_reserve", 1, index, gameId, limitArg, this.options.gameTtlSeconds, RESERVATION_GRACE_MS, ...gone),
      );
      if (!reply.ok) return reply.error.code === "OUTCOME_UNKNOWN" ? UNAVAILABLE : reply;
      return reply.value === 1 ? { ok: true, value: undefined } : { ok: false, error: tooManyGames(limit) };
    };
    const first = await reserve([]);
    if (first.ok || first.error.code !== "TOO_MANY_GAMES") return first;

    const listed = await this.call("read", index, () => this.redis.zrange(index, 0, "-1"));
    if (!listed.ok) return listed;
    const ids = listed.value as string[];
    const phases = await Promise.all(ids.map((id) => this.call("read", gameKeys(id).game, () => this.redis.hget(gameKeys(id).game, "phase"))));
    const gone: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const phase = phases[i];
      if (!phase.ok) return phase;
      if (phase.value === null) gone.push(ids[i], "missing");
      else if (phase.value === "finished") gone.push(ids[i], "finished");
    }
    return reserve(gone);
  }

  private createGameKeys(game: NewGame): Promise<StoreResult<unknown>> {
    const k = gameKeys(game.id);
    return this.call("write", k.game, () =>
      this.redis.fcall(
        "bingo_create",
        2,
        k.game,
        k.order,
        game.hostId,
        game.title,
        game.variant,
        this.options.gameTtlSeconds,
        game.seed,
        game.commitment,
        game.patterns.join(","),
        game.prizes.join(","),
        game.graceMs,
        game.recordIds,
        game.currency,
        ...game.order,
      ),
    );
  }

  async openClaims(gameId: string, hostId: string, totalSlots: number, maxPerPlayer: number): Promise<StoreResult<SlotState>> {
    const reply = await this.status(gameKeys(gameId).game, () => this.redis.fcall("bingo_open", 1, gameKeys(gameId).game, hostId, totalSlots, maxPerPlayer));
    return reply.ok ? { ok: true, value: slotsAt(reply.value, 1) } : reply;
  }

  async closeClaims(gameId: string, hostId: string): Promise<StoreResult<SlotState>> {
    const reply = await this.status(gameKeys(gameId).game, () => this.redis.fcall("bingo_close", 1, gameKeys(gameId).game, hostId));
    return reply.ok ? { ok: true, value: slotsAt(reply.value, 1) } : reply;
  }

  async view(gameId: string, playerId: string): Promise<StoreResult<StoredGame>> {
    const k = gameKeys(gameId);
    const reply = await this.call("read", k.game, () => this.redis.fcall_ro("bingo_view", 4, k.game, k.cards, k.awards, k.autoFlags, playerId));
    if (!reply.ok) return reply;
    const v = reply.value as string[];
    if (v.length === 0) return NOT_FOUND;
    const [ranges, autoFlag, ...awards] = v.slice(VIEW_FIELD_COUNT);
    return { ok: true, value: { ...sharedGameOf(gameId, v, awards), ...playerPartOf(ranges, autoFlag) } };
  }

  async viewMany(gameId: string, playerIds: readonly string[]): Promise<StoreResult<GameViews>> {
    const k = gameKeys(gameId);
    const reply = await this.call("read", k.game, () => this.redis.fcall_ro("bingo_view_many", 4, k.game, k.cards, k.awards, k.autoFlags, ...playerIds));
    if (!reply.ok) return reply;
    const v = reply.value as string[];
    if (v.length === 0) return NOT_FOUND;
    const n = playerIds.length;
    const ranges = VIEW_FIELD_COUNT;
    const flags = ranges + n;
    const players: PlayerPart[] = new Array(n);
    for (let i = 0; i < n; i++) players[i] = playerPartOf(v[ranges + i], v[flags + i]);
    return { ok: true, value: { game: sharedGameOf(gameId, v, v.slice(flags + n)), players } };
  }

  async roundLog(gameId: string): Promise<StoreResult<RoundLog>> {
    const k = gameKeys(gameId);
    const reply = await this.call("read", k.game, async () => {
      // One slot (the game's hash tag): one MULTI, one round trip.
      const results = (await this.redis.multi().exists(k.game).lrange(k.times, 0, -1).lrange(k.awards, 0, -1).lrange(k.calls, 0, -1).exec())!;
      return results.map(([error, value]) => {
        if (error) throw error;
        return value;
      });
    });
    if (!reply.ok) return reply;
    const [exists, times, awards, calls] = reply.value as [number, string[], string[], string[]];
    if (exists === 0) return NOT_FOUND;
    return {
      ok: true,
      value: {
        drawnAt: times.map(Number),
        awardTimes: awards.map((json) => {
          const { at, drawn } = JSON.parse(json) as AwardTime;
          return { at, drawn };
        }),
        calls: calls.map((json) => JSON.parse(json) as RecordedCalls),
      },
    };
  }

  async cardOwners(gameId: string): Promise<StoreResult<ReadonlyMap<string, readonly number[]>>> {
    const reply = await this.call("read", gameKeys(gameId).cards, () => this.redis.hgetall(gameKeys(gameId).cards));
    if (!reply.ok) return reply;
    const owners = new Map<string, number[]>();
    for (const [player, ranges] of Object.entries(reply.value as Record<string, string>)) {
      owners.set(player, expandCardRanges(parseCardRanges(ranges)));
    }
    return { ok: true, value: owners };
  }

  async resolveTick(gameId: string, work: TickWork): Promise<StoreResult<TickResult>> {
    const k = gameKeys(gameId);
    const parts: ("claims" | "calls" | "settle")[] = [];
    const reply = await this.call("write", k.game, async () => {
      // One MULTI per tick per game: everything below commits together, in one round trip.
      parts.length = 0;
      const tx = this.redis.multi();
      if (work.claims.length > 0) {
        parts.push("claims");
        tx.fcall("bingo_claims", 5, k.game, k.owned, k.cards, k.requests, k.roster, ...work.claims);
      }
      if (work.calls.length > 0) {
        parts.push("calls");
        tx.fcall("bingo_calls", 8, k.game, k.cards, k.requests, k.pending, k.autoFlags, k.times, k.called, k.calls, ...work.calls);
      }
      if (work.settle) {
        parts.push("settle");
        tx.fcall("bingo_settle", 5, k.game, k.pending, k.awards, k.times, k.names);
      }
      if (parts.length === 0) return [];
      const results = (await tx.exec())!;
      return results.map(([error, value]) => {
        if (error) throw error;
        return value;
      });
    });
    if (!reply.ok) return reply;
    const values = reply.value as Reply[];
    const result: { claims: ClaimBatchReply | null; calls: CallBatchReply | null; settled: Settled | null } = { claims: null, calls: null, settled: null };
    for (let i = 0; i < parts.length; i++) {
      const value = values[i];
      if (parts[i] === "claims") {
        if (value.length === 1 && value[0] === -1) return NOT_FOUND;
        result.claims = value as number[];
      } else if (parts[i] === "calls") {
        if (value.length === 1 && value[0] === -2) return NOT_FOUND;
        result.calls = value as number[];
      } else {
        result.settled = settledFrom(value);
      }
    }
    return { ok: true, value: result };
  }

  async startRound(gameId: string, hostId: string): Promise<StoreResult<RoundStarted>> {
    const reply = await this.status(gameKeys(gameId).game, () => this.redis.fcall("bingo_start", 1, gameKeys(gameId).game, hostId));
    return reply.ok ? { ok: true, value: { roundVersion: Number(reply.value[1]), slots: slotsAt(reply.value, 2) } } : reply;
  }

  async draw(gameId: string, by: Drawer, expectedIndex: number | null): Promise<StoreResult<DrawResult>> {
    const k = gameKeys(gameId);
    const [host, token] = "hostId" in by ? [by.hostId, 0] : ["", by.leaseToken];
    const reply = await this.status(k.game, () => this.redis.fcall("bingo_draw", 3, k.game, k.order, k.times, host, expectedIndex ?? -1, token));
    if (!reply.ok) return reply;
    const [, ball, index, rv, drewNow, settleAt] = reply.value.map(Number);
    return { ok: true, value: { ball, index, roundVersion: rv, drewNow: drewNow === 1, settleAt: settleAt >= 0 ? settleAt : null } };
  }

  async controlRound(gameId: string, hostId: string, op: RoundOp): Promise<StoreResult<RoundControl>> {
    const value = op.op === "auto" ? (op.intervalMs ?? 0) : 0;
    const reply = await this.status(gameKeys(gameId).game, () => this.redis.fcall("bingo_control", 1, gameKeys(gameId).game, hostId, op.op, value));
    if (!reply.ok) return reply;
    const [, rv, paused, auto] = reply.value.map(Number);
    return { ok: true, value: { roundVersion: rv, paused: paused === 1, autoIntervalMs: auto > 0 ? auto : null } };
  }

  async acquireLease(gameId: string, owner: string, ttlMs: number): Promise<StoreResult<Lease>> {
    const reply = await this.call("write", gameKeys(gameId).game, () => this.redis.fcall("bingo_lease", 1, gameKeys(gameId).game, owner, ttlMs));
    if (!reply.ok) return reply;
    const [token, untilMs, auto] = (reply.value as number[]).map(Number);
    return { ok: true, value: { token, untilMs, autoIntervalMs: auto > 0 ? auto : null } };
  }

  async releaseLease(gameId: string, owner: string, token: number): Promise<StoreResult<void>> {
    const reply = await this.call("write", gameKeys(gameId).game, () => this.redis.fcall("bingo_release", 1, gameKeys(gameId).game, owner, token));
    return reply.ok ? { ok: true, value: undefined } : reply;
  }

  async setAutoClaim(gameId: string, playerId: string, enabled: boolean): Promise<StoreResult<void>> {
    const k = gameKeys(gameId);
    const reply = await this.call("write", k.game, () => this.redis.fcall("bingo_set_auto", 2, k.game, k.autoFlags, playerId, enabled ? 1 : 0));
    if (!reply.ok) return reply;
    return reply.value === 1 ? { ok: true, value: undefined } : NOT_FOUND;
  }

  async finishGame(gameId: string, hostId: string): Promise<StoreResult<GameFinished>> {
    const k = gameKeys(gameId);
    const reply = await this.status(k.game, () => this.redis.fcall("bingo_finish", 5, k.game, k.pending, k.awards, k.times, k.names, hostId));
    if (!reply.ok) return reply;
    const [, rv, seed, awardedNow, ...awards] = reply.value;
    return {
      ok: true,
      value: { roundVersion: Number(rv), seed: String(seed), awards: awards.map((json) => parseAward(String(json))), awardedNow: Number(awardedNow) === 1 },
    };
  }

  async setName(gameId: string, playerId: string, name: string): Promise<StoreResult<void>> {
    const k = gameKeys(gameId);
    const reply = await this.call("write", k.game, () => this.redis.fcall("bingo_set_name", 2, k.game, k.names, playerId, name));
    if (!reply.ok) return reply;
    return reply.value === 1 ? { ok: true, value: undefined } : NOT_FOUND;
  }

  async roster(gameId: string, hostId: string, cursor: number, limit: number): Promise<StoreResult<RosterPage>> {
    const k = gameKeys(gameId);
    const reply = await this.call("read", k.game, () => this.redis.fcall_ro("bingo_players", 4, k.game, k.roster, k.owned, k.names, hostId, cursor, limit));
    if (!reply.ok) return reply;
    const value = reply.value as Reply;
    if (value[0] !== "OK") return { ok: false, error: errorFrom(String(value[0]), value[1]) };
    const players: RosterEntry[] = [];
    for (let i = 2; i + 2 < value.length; i += 3) {
      players.push({ playerId: String(value[i]), cards: Number(value[i + 1]), name: value[i + 2] === "" ? null : String(value[i + 2]) });
    }
    return { ok: true, value: { players, total: Number(value[1]) } };
  }

  async linkNextGame(gameId: string, hostId: string, nextId: string): Promise<StoreResult<string>> {
    const k = gameKeys(gameId);
    const reply = await this.status(k.game, () => this.redis.fcall("bingo_link_next", 1, k.game, hostId, nextId));
    return reply.ok ? { ok: true, value: String(reply.value[1]) } : reply;
  }

  /** On a Cluster: every master that owns slots answers (a game on a lost shard is unavailable). */
  async ping(): Promise<boolean> {
    return this.libraryLoaded && answers(this.redis);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  /** A write whose reply starts with 'OK' or an error code (and a detail). */
  private async status(key: string, run: () => Promise<unknown>): Promise<StoreResult<Reply>> {
    const reply = await this.call("write", key, run);
    if (!reply.ok) return reply;
    const value = reply.value as Reply;
    if (value[0] === "OK") return { ok: true, value };
    return { ok: false, error: errorFrom(String(value[0]), value[1]) };
  }

  /**
   * Runs one Redis round trip for the game of `key`. A Redis that restarted without
   * persistence (or a new Cluster master) has no function library: load it again and retry
   * once. A connection that is not ready means the command is never issued: UNAVAILABLE.
   * Once issued, a failure without a Redis reply (a timeout, a connection lost under it)
   * leaves a write's outcome unknown; a read's is still nothing.
   */
  private async call(effect: "read" | "write", key: string, run: () => Promise<unknown>): Promise<StoreResult<unknown>> {
    if (!readyToSend(this.redis, key)) return UNAVAILABLE;
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      // Redis answered "function not found": the first attempt did nothing, so the retry's fate is the answer.
      if (isMissingFunction(error)) {
        try {
          await loadFunctionLibrary(this.redis, { bestEffort: true });
        } catch (loadError) {
          return isReplyError(loadError) ? this.failure(effect, loadError) : UNAVAILABLE;
        }
        if (!readyToSend(this.redis, key)) return UNAVAILABLE;
        try {
          return { ok: true, value: await run() };
        } catch (retryError) {
          return this.failure(effect, retryError);
        }
      }
      return this.failure(effect, error);
    }
  }

  /** A command that was issued failed: Redis refused it (a bug), or its answer never came. */
  private failure(effect: "read" | "write", error: unknown): StoreResult<never> {
    if (!isReplyError(error)) return effect === "write" ? OUTCOME_UNKNOWN : UNAVAILABLE;
    this.options.onUnexpectedError?.(error);
    return { ok: false, error: protocolError("INTERNAL") };
  }
}

function slotsAt(reply: Reply, at: number): SlotState {
  return { total: Number(reply[at]), remaining: Number(reply[at + 1]), version: Number(reply[at + 2]) };
}

function errorFrom(code: string, detail: string | number | undefined): ProtocolError {
  // The functions answer WRONG_PHASE with the reason (the phase, paused or all-drawn).
  if (code === "WRONG_PHASE") return isWrongPhaseReason(detail) ? wrongPhase(detail) : protocolError("WRONG_PHASE");
  if (code === "BAD_REQUEST") return /^\d+$/.test(String(detail)) ? tooFewSlots(String(detail)) : protocolError(code, String(detail));
  if (code === "FORBIDDEN") return notYourGame();
  if (code === "STALE_LEASE") return protocolError("FORBIDDEN", "the auto-draw lease moved to another node");
  return isErrorCode(code) ? protocolError(code) : protocolError("INTERNAL");
}

function settledFrom(value: Reply): Settled {
  if (Number(value[0]) === 1) {
    return { awarded: true, award: parseAward(String(value[1])), roundVersion: Number(value[2]), finished: Number(value[3]) === 1 };
  }
  const settleAt = Number(value[1]);
  return { awarded: false, settleAt: settleAt >= 0 ? settleAt : null };
}
