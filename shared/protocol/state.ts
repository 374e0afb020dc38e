/** Shapes the server sends: snapshots, slot states, cards. */

export type Phase = "lobby" | "claiming" | "running" | "finished";
export type Variant = 75 | 90;

/**
 * The authoritative slot count of a game. `version` strictly increases with every change,
 * so a receiver keeps only the highest version it has seen.
 */
export interface SlotState {
  readonly total: number;
  readonly remaining: number;
  readonly version: number;
}

export interface Card {
  readonly id: number;
}

export interface GameSnapshot {
  readonly id: string;
  readonly title: string;
  readonly variant: Variant;
  readonly phase: Phase;
  readonly maxPerPlayer: number;
  readonly slots: SlotState;
  readonly myCards: readonly Card[];
}

export interface SlotsMessage extends SlotState {
  readonly gameId: string;
}

export interface PhaseMessage {
  readonly gameId: string;
  readonly phase: Phase;
}
