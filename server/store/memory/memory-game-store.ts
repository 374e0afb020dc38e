import type { SlotState } from "../../../shared/protocol";
import { protocolError } from "../../../shared/protocol";
import type { ClaimBatchArgs, ClaimBatchReply } from "../../domain/claim-batch";
import {
  ClaimStatus,
  claimCount,
  claimPlayer,
  claimRequestId,
  claimStatus,
  cardsGranted,
  claimsIn,
  firstCard,
  newClaimReply,
  requestKey,
  storedOutcome,
  writeDecision,
  writeOutcomeSlots,
  writeSlotsAfter,
  writeStoredOutcome,
} from "../../domain/claim-batch";
import { decideClaim } from "../../domain/claim-decision";
import { gameIdTaken, notYourGame, tooFewSlots, tooManyGames, wrongPhase } from "../../domain/game-errors";
import type { Clock } from "../../ports/clock";
import { systemClock } from "../../ports/clock";
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
  RosterPage,
  RoundStarted,
  SharedGame,
  StoreResult,
  StoredGame,
  TickResult,
  TickWork,
} from "../../ports/game-store";
import { awardOf, expandCardRanges, slotsOf } from "../game-records";
import type { MemoryGame } from "./memory-game";
import { newMemoryGame } from "./memory-game";
import * as round from "./memory-round";

const NOT_FOUND = { ok: false, error: protocolError("NOT_FOUND") } as const;
const REFUSAL_STATUS = { CLAIMS_CLOSED: ClaimStatus.CLAIMS_CLOSED, SOLD_OUT: ClaimStatus.SOLD_OUT, LIMIT_REACHED: ClaimStatus.LIMIT_REACHED } as const;

/**
 * The embedded default: every game in this process's memory. One node only; the same
 * semantics as the Redis store, step for step (see ../redis/lua/).
 */
export class MemoryGameStore implements GameStore {
  private readonly games = new Map<string, MemoryGame>();
  /** hostId → ids of the host's games not yet seen finished (pruned on create). */
  private readonly unfinishedByHost = new Map<string, Set<string>>();

  constructor(private readonly clock: Clock = systemClock) {}

  async createGame(game: NewGame, maxGamesPerHost = Infinity): Promise<StoreResult<void>> {
    if (this.games.has(game.id)) return { ok: false, error: gameIdTaken() };
    let mine = this.unfinishedByHost.get(game.hostId);
    if (!mine) this.unfinishedByHost.set(game.hostId, (mine = new Set()));
    for (const id of mine) if (this.games.get(id)?.phase === "finished") mine.delete(id);
    if (mine.size >= maxGamesPerHost) return { ok: false, error: tooManyGames(maxGamesPerHost) };
    mine.add(game.id);
    this.games.set(game.id, newMemoryGame(game));
    return { ok: true, value: undefined };
  }

  async openClaims(gameId: string, hostId: string, totalSlots: number, maxPerPlayer: number): Promise<StoreResult<SlotState>> {
    const game = this.hostGame(gameId, hostId);
    if (!game.ok) return game;
    const g = game.value;
    if (g.phase !== "lobby") return { ok: false, error: wrongPhase(g.phase) };
    const granted = g.total - g.remaining;
    if (totalSlots < granted) {
      return { ok: false, error: tooFewSlots(granted) };
    }
    g.phase = "claiming";
    g.total = totalSlots;
    g.remaining = totalSlots - granted;
    g.maxPerPlayer = maxPerPlayer;
    g.version += 1;
    return { ok: true, value: slotsOf(g) };
  }

  async closeClaims(gameId: string, hostId: string): Promise<StoreResult<SlotState>> {
    const game = this.hostGame(gameId, hostId);
    if (!game.ok) return game;
    const g = game.value;
    if (g.phase === "claiming") {
      g.phase = "lobby";
      g.version += 1;
    } else if (g.phase !== "lobby") {
      return { ok: false, error: wrongPhase(g.phase) };
    }
    return { ok: true, value: slotsOf(g) };
  }

  async view(gameId: string, playerId: string): Promise<StoreResult<StoredGame>> {
    const views = await this.viewMany(gameId, [playerId]);
    return views.ok ? { ok: true, value: { ...views.value.game, ...views.value.players[0] } } : views;
  }

  async viewMany(gameId: string, playerIds: readonly string[]): Promise<StoreResult<GameViews>> {
    const g = this.games.get(gameId);
    if (!g) return NOT_FOUND;
    const game: SharedGame = {
      id: g.id,
      hostId: g.hostId,
      title: g.title,
      variant: g.variant,
      phase: g.phase,
      seed: g.seed,
      commitment: g.commitment,
      patterns: g.patterns,
      prizes: g.prizes,
      maxPerPlayer: g.maxPerPlayer,
      slots: slotsOf(g),
      drawn: g.times.length,
      pattern: g.pattern,
      paused: g.paused,
      autoIntervalMs: g.autoIntervalMs,
      awards: g.awards.map(awardOf),
      roundVersion: g.roundVersion,
      graceMs: g.graceMs,
      recordIds: g.recordIds,
      currency: g.currency,
      next: g.next,
    };
    const players = playerIds.map(
      (playerId): PlayerPart => ({ cardIds: expandCardRanges(g.cardRanges.get(playerId) ?? []), autoClaim: g.autoFlags.get(playerId) ?? null }),
    );
    return { ok: true, value: { game, players } };
  }

  async roundLog(gameId: string): Promise<StoreResult<RoundLog>> {
    const g = this.games.get(gameId);
    if (!g) return NOT_FOUND;
    return {
      ok: true,
      value: {
        drawnAt: [...g.times],
        awardTimes: g.awards.map(({ at, drawn }) => ({ at, drawn })),
        calls: g.callLog.map((entry) => ({ ...entry, cards: entry.cards.map((c) => ({ ...c })) })),
      },
    };
  }

  async cardOwners(gameId: string): Promise<StoreResult<ReadonlyMap<string, readonly number[]>>> {
    const g = this.games.get(gameId);
    if (!g) return NOT_FOUND;
    return { ok: true, value: new Map([...g.cardRanges].map(([player, ranges]) => [player, expandCardRanges(ranges)])) };
  }

  async resolveTick(gameId: string, work: TickWork): Promise<StoreResult<TickResult>> {
    const g = this.games.get(gameId);
    if (!g) return NOT_FOUND;
    const now = this.clock.now();
    return {
      ok: true,
      value: {
        claims: work.claims.length > 0 ? this.resolveClaims(g, work.claims) : null,
        calls: work.calls.length > 0 ? round.resolveCalls(g, work.calls, now) : null,
        settled: work.settle ? round.settle(g, false, now) : null,
      },
    };
  }

  async startRound(gameId: string, hostId: string): Promise<StoreResult<RoundStarted>> {
    const game = this.hostGame(gameId, hostId);
    if (!game.ok) return game;
    const started = round.startRound(game.value, this.clock.now());
    return started.ok ? { ok: true, value: { roundVersion: started.value, slots: slotsOf(game.value) } } : started;
  }

  async draw(gameId: string, by: Drawer, expectedIndex: number | null): Promise<StoreResult<DrawResult>> {
    const game = "hostId" in by ? this.hostGame(gameId, by.hostId) : this.game(gameId);
    if (!game.ok) return game;
    return round.draw(game.value, by, expectedIndex, this.clock.now());
  }

  async controlRound(gameId: string, hostId: string, op: RoundOp): Promise<StoreResult<RoundControl>> {
    const game = this.hostGame(gameId, hostId);
    return game.ok ? round.controlRound(game.value, op) : game;
  }

  async acquireLease(gameId: string, owner: string, ttlMs: number): Promise<StoreResult<Lease>> {
    const g = this.games.get(gameId);
    return { ok: true, value: g ? round.acquireLease(g, owner, ttlMs, this.clock.now()) : { token: 0, untilMs: 0, autoIntervalMs: null } };
  }

  async releaseLease(gameId: string, owner: string, token: number): Promise<StoreResult<void>> {
    const g = this.games.get(gameId);
    if (g) round.releaseLease(g, owner, token);
    return { ok: true, value: undefined };
  }

  async setAutoClaim(gameId: string, playerId: string, enabled: boolean): Promise<StoreResult<void>> {
    const g = this.games.get(gameId);
    if (!g) return NOT_FOUND;
    g.autoFlags.set(playerId, enabled);
    return { ok: true, value: undefined };
  }

  async finishGame(gameId: string, hostId: string): Promise<StoreResult<GameFinished>> {
    const game = this.hostGame(gameId, hostId);
    if (!game.ok) return game;
    const finished = round.finish(game.value, this.clock.now());
    if (!finished.ok) return finished;
    return { ok: true, value: { ...finished.value, seed: game.value.seed, awards: game.value.awards.map(awardOf) } };
  }

  async linkNextGame(gameId: string, hostId: string, nextId: string): Promise<StoreResult<string>> {
    const game = this.hostGame(gameId, hostId);
    if (!game.ok) return game;
    const g = game.value;
    if (g.phase !== "finished") return { ok: false, error: wrongPhase(g.phase) };
    g.next ??= nextId;
    return { ok: true, value: g.next };
  }

  private resolveClaims(g: MemoryGame, batch: ClaimBatchArgs): ClaimBatchReply {
    const claims = claimsIn(batch);
    const reply = newClaimReply(claims);
    // Outcomes first answered in this batch carry the slot state after the whole batch.
    const fresh: number[] = [];
    const firstInBatch = new Map<string, number>();
    let changed = false;

    for (let i = 0; i < claims; i++) {
      const playerId = claimPlayer(batch, i);
      const key = requestKey(playerId, claimRequestId(batch, i));
      const stored = g.requests.get(key);
      if (stored) {
        writeStoredOutcome(reply, i, stored);
        continue;
      }
      const earlier = firstInBatch.get(key);
      if (earlier !== undefined) {
        writeDecision(reply, i, claimStatus(reply, earlier), firstCard(reply, earlier), cardsGranted(reply, earlier));
        fresh.push(i);
        continue;
      }
      firstInBatch.set(key, i);
      fresh.push(i);
      const owned = g.owned.get(playerId) ?? 0;
      const decision = decideClaim(g, owned, claimCount(batch, i));
      if (typeof decision === "string") {
        writeDecision(reply, i, REFUSAL_STATUS[decision], 0, 0);
        continue;
      }
      writeDecision(reply, i, ClaimStatus.GRANTED, g.nextCard, decision);
      const ranges = g.cardRanges.get(playerId);
      if (ranges) ranges.push(g.nextCard, decision);
      else {
        g.cardRanges.set(playerId, [g.nextCard, decision]);
        g.roster.push(playerId);
      }
      g.owned.set(playerId, owned + decision);
      g.nextCard += decision;
      g.remaining -= decision;
      changed = true;
    }

    if (changed) g.version += 1;
    const after = { total: g.total, remaining: g.remaining, version: g.version };
    writeSlotsAfter(reply, after);
    for (const i of fresh) writeOutcomeSlots(reply, i, after);
    // Only grants are stored: a refusal writes nothing, and a repeat of it is decided again.
    for (const [key, i] of firstInBatch) {
      if (claimStatus(reply, i) === ClaimStatus.GRANTED) g.requests.set(key, storedOutcome(reply, i));
    }
    return reply;
  }

  async setName(gameId: string, playerId: string, name: string): Promise<StoreResult<void>> {
    const g = this.games.get(gameId);
    if (!g) return NOT_FOUND;
    g.names.set(playerId, name);
    return { ok: true, value: undefined };
  }

  async roster(gameId: string, hostId: string, cursor: number, limit: number): Promise<StoreResult<RosterPage>> {
    const game = this.hostGame(gameId, hostId);
    if (!game.ok) return game;
    const g = game.value;
    const players = g.roster.slice(cursor, cursor + limit).map((playerId) => ({ playerId, name: g.names.get(playerId) ?? null, cards: g.owned.get(playerId) ?? 0 }));
    return { ok: true, value: { players, total: g.roster.length } };
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.games.clear();
    this.unfinishedByHost.clear();
  }

  private game(gameId: string): StoreResult<MemoryGame> {
    const g = this.games.get(gameId);
    return g ? { ok: true, value: g } : NOT_FOUND;
  }

  private hostGame(gameId: string, hostId: string): StoreResult<MemoryGame> {
    const g = this.games.get(gameId);
    if (!g) return NOT_FOUND;
    if (g.hostId !== hostId) return { ok: false, error: notYourGame() };
    return { ok: true, value: g };
  }
}
