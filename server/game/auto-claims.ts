import type { GameRules } from "./game-rules";

interface OwnedCard {
  readonly playerId: string;
  readonly cardId: number;
  readonly completions: string;
  /** Completion index per pattern (-1 never). */
  readonly at: readonly number[];
}

/**
 * The server's own bingo calls for auto-claim players, for one game on the node that
 * draws. Once the round runs the cards are fixed, so every card's completion ball for
 * every pattern is computed once; each draw then looks up the cards completing on it.
 * Calls are made for every card; the store skips players who turned auto-claim off.
 */
export class AutoClaimIndex {
  private readonly byBall = new Map<number, OwnedCard[]>();
  private readonly cards: OwnedCard[] = [];

  constructor(rules: GameRules, owners: ReadonlyMap<string, readonly number[]>) {
    for (const [playerId, cardIds] of owners) {
      for (const cardId of cardIds) {
        const completions = rules.completions(cardId);
        const at = completions.split(",").map(Number);
        const card: OwnedCard = { playerId, cardId, completions, at };
        this.cards.push(card);
        for (const ball of new Set(at)) {
          if (ball < 0) continue;
          const list = this.byBall.get(ball);
          if (list) list.push(card);
          else this.byBall.set(ball, [card]);
        }
      }
    }
  }

  /** Cards completing some pattern on ball `index`. */
  completingOn(index: number): readonly OwnedCard[] {
    return this.byBall.get(index) ?? [];
  }

  /** Cards on which `pattern` is complete by ball `lastIndex`: when that pattern comes into play. */
  completeFor(pattern: number, lastIndex: number): OwnedCard[] {
    return this.cards.filter((card) => card.at[pattern] >= 0 && card.at[pattern] <= lastIndex);
  }
}
