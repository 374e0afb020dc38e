import type { Grid, PatternName, Variant } from "../../shared/protocol";
import type { StoreResult } from "./game-store";

/** What a node derives from a game's seed: never sent to clients before the game ends. */
export interface GameRules {
  readonly gameId: string;
  readonly variant: Variant;
  readonly seed: string;
  readonly patterns: readonly PatternName[];
  /** Every ball in draw order. */
  readonly order: readonly number[];
  grid(cardId: number): Grid;
  /**
   * For each pattern in order, the ball index on which the card completes it
   * ("-1" if never), comma-separated: the `completions` field of a bingo call.
   */
  completions(cardId: number): string;
}

/**
 * Where the claim engine gets each game's rules (implemented by server/game's GameCatalog).
 * A port, so the engine never imports the game folder, which drives the engine.
 */
export interface RulesSource {
  load(gameId: string): Promise<StoreResult<GameRules>>;
  /** The engine let go of the game: its rules may go too. */
  forget(gameId: string): void;
}
