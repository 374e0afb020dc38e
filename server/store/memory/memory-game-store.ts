import type { Phase, SlotState, Variant } from "../../../shared/protocol";
import { protocolError } from "../../../shared/protocol";
import type { ClaimBatchArgs, ClaimBatchReply } from "../../domain/claim-batch";
import { CLAIM_STRIDE, ClaimStatus, HEADER, OUTCOME_STRIDE, requestKey } from "../../domain/claim-batch";
import { decideClaim } from "../../domain/claim-decision";
import { gameIdTaken, notYourGame, tooFewSlots, wrongPhase } from "../../domain/game-errors";
import type { GameStore, GameView, NewGame, StoreResult } from "../../ports/game-store";
import { expandCardRanges, slotsOf } from "../game-records";

interface MemoryGame {
  readonly id: string;
  readonly hostId: string;
  readonly title: string;
  readonly variant: Variant;
  phase: Phase;
  total: number;
  remaining: number;
  version: number;
  maxPerPlayer: number;
  nextCard: number;
  readonly owned: Map<string, number>;
  /** playerId → [firstCardId, count, firstCardId, count, ...] */
  readonly cardRanges: Map<string, number[]>;
  /** requestKey → the six outcome numbers first answered */
  readonly requests: Map<string, number[]>;
}

const REFUSAL_STATUS = { CLAIMS_CLOSED: ClaimStatus.CLAIMS_CLOSED, SOLD_OUT: ClaimStatus.SOLD_OUT, LIMIT_REACHED: ClaimStatus.LIMIT_REACHED } as const;

/**
 * The embedded default: every game in this process's memory. One node only; the same
 * semantics as the Redis store, step for step (see bingo.lua).
 */
export class MemoryGameStore implements GameStore {
  private readonly games = new Map<string, MemoryGame>();

  async createGame(game: NewGame): Promise<StoreResult<void>> {
    if (this.games.has(game.id)) return { ok: false, error: gameIdTaken() };
    this.games.set(game.id, {
      ...game,
      phase: "lobby",
      total: 0,
      remaining: 0,
      version: 0,
      maxPerPlayer: 0,
      nextCard: 1,
      owned: new Map(),
      cardRanges: new Map(),
      requests: new Map(),
    });
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

  async view(gameId: string, playerId: string): Promise<StoreResult<GameView>> {
    const g = this.games.get(gameId);
    if (!g) return { ok: false, error: protocolError("NOT_FOUND") };
    return {
      ok: true,
      value: {
        id: g.id,
        title: g.title,
        variant: g.variant,
        phase: g.phase,
        maxPerPlayer: g.maxPerPlayer,
        slots: slotsOf(g),
        myCards: expandCardRanges(g.cardRanges.get(playerId) ?? []),
      },
    };
  }

  async resolveClaims(gameId: string, batch: ClaimBatchArgs): Promise<StoreResult<ClaimBatchReply>> {
    const g = this.games.get(gameId);
    if (!g) return { ok: false, error: protocolError("NOT_FOUND") };
    const claims = batch.length / CLAIM_STRIDE;
    const reply = new Array<number>(HEADER + claims * OUTCOME_STRIDE);
    // Outcomes first answered in this batch carry the slot state after the whole batch.
    const freshOffsets: number[] = [];
    const firstInBatch = new Map<string, number>();
    let changed = false;

    for (let i = 0; i < claims; i++) {
      const playerId = String(batch[i * CLAIM_STRIDE]);
      const key = requestKey(playerId, String(batch[i * CLAIM_STRIDE + 1]));
      const at = HEADER + i * OUTCOME_STRIDE;
      const stored = g.requests.get(key);
      if (stored) {
        for (let k = 0; k < OUTCOME_STRIDE; k++) reply[at + k] = stored[k];
        continue;
      }
      const earlier = firstInBatch.get(key);
      if (earlier !== undefined) {
        reply[at] = reply[earlier];
        reply[at + 1] = reply[earlier + 1];
        reply[at + 2] = reply[earlier + 2];
        freshOffsets.push(at);
        continue;
      }
      firstInBatch.set(key, at);
      freshOffsets.push(at);
      const owned = g.owned.get(playerId) ?? 0;
      const decision = decideClaim(g, owned, Number(batch[i * CLAIM_STRIDE + 2]));
      if (typeof decision === "string") {
        reply[at] = REFUSAL_STATUS[decision];
        reply[at + 1] = 0;
        reply[at + 2] = 0;
        continue;
      }
      reply[at] = ClaimStatus.GRANTED;
      reply[at + 1] = g.nextCard;
      reply[at + 2] = decision;
      const ranges = g.cardRanges.get(playerId);
      if (ranges) ranges.push(g.nextCard, decision);
      else g.cardRanges.set(playerId, [g.nextCard, decision]);
      g.owned.set(playerId, owned + decision);
      g.nextCard += decision;
      g.remaining -= decision;
      changed = true;
    }

    if (changed) g.version += 1;
    reply[0] = g.total;
    reply[1] = g.remaining;
    reply[2] = g.version;
    for (const at of freshOffsets) {
      reply[at + 3] = g.total;
      reply[at + 4] = g.remaining;
      reply[at + 5] = g.version;
    }
    for (const [key, at] of firstInBatch) g.requests.set(key, reply.slice(at, at + OUTCOME_STRIDE));
    return { ok: true, value: reply };
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.games.clear();
  }

  private hostGame(gameId: string, hostId: string): StoreResult<MemoryGame> {
    const g = this.games.get(gameId);
    if (!g) return { ok: false, error: protocolError("NOT_FOUND") };
    if (g.hostId !== hostId) return { ok: false, error: notYourGame() };
    return { ok: true, value: g };
  }
}
