import type { PatternName, Variant } from "../../shared/protocol";
import { CardDealer, drawOrder } from "../domain/cards";
import { completionIndex, drawPositions } from "../domain/patterns";
import type { GameStore, StoreResult } from "../ports/game-store";
import type { GameRules, RulesSource } from "../ports/game-rules";

export type { GameRules } from "../ports/game-rules";

function rulesOf(gameId: string, variant: Variant, seed: string, patterns: readonly PatternName[], order: readonly number[]): GameRules {
  const positions = drawPositions(order);
  // Per game, so a node serving many games keeps each one's key and strip (no shared cache to thrash).
  const dealer = new CardDealer(seed, variant);
  return {
    gameId,
    variant,
    seed,
    patterns,
    order,
    grid: (cardId) => dealer.grid(cardId),
    completions(cardId) {
      const grid = dealer.grid(cardId);
      return patterns.map((pattern) => completionIndex(grid, pattern, positions)).join(",");
    },
  };
}

/**
 * The rules of each game this node serves, loaded from the store once (they never change)
 * and kept while the node has the game's room.
 */
export class GameCatalog implements RulesSource {
  private readonly rules = new Map<string, GameRules>();
  private readonly loading = new Map<string, Promise<StoreResult<GameRules>>>();

  constructor(private readonly store: GameStore) {}

  /** The rules if already loaded (no I/O). */
  known(gameId: string): GameRules | undefined {
    return this.rules.get(gameId);
  }

  /** Loads from a view the caller already has, without another store call. */
  remember(gameId: string, variant: Variant, seed: string, patterns: readonly PatternName[]): GameRules {
    let rules = this.rules.get(gameId);
    if (!rules) {
      rules = rulesOf(gameId, variant, seed, patterns, drawOrder(seed, variant));
      this.rules.set(gameId, rules);
    }
    return rules;
  }

  async load(gameId: string): Promise<StoreResult<GameRules>> {
    const known = this.rules.get(gameId);
    if (known) return { ok: true, value: known };
    let pending = this.loading.get(gameId);
    if (!pending) {
      pending = this.store.view(gameId, "").then((view) => {
        this.loading.delete(gameId);
        if (!view.ok) return view;
        return { ok: true, value: this.remember(gameId, view.value.variant, view.value.seed, view.value.patterns) };
      });
      this.loading.set(gameId, pending);
    }
    return pending;
  }

  forget(gameId: string): void {
    this.rules.delete(gameId);
  }

  /** Games whose rules are loaded. */
  games(): Iterable<string> {
    return this.rules.keys();
  }

  get size(): number {
    return this.rules.size;
  }
}
