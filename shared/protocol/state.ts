/** Shapes the server sends: snapshots, slot states, cards. */

export type Phase = "lobby" | "claiming" | "running" | "finished";
export type Variant = 75 | 90;

/** The prize patterns each variant can play, and the default list (awarded in order). */
export const PATTERNS_BY_VARIANT = {
  75: ["line", "four-corners", "full-house"],
  90: ["one-line", "two-lines", "full-house"],
} as const;
export type PatternName = (typeof PATTERNS_BY_VARIANT)[Variant][number];
export const DEFAULT_PATTERNS: { readonly [V in Variant]: readonly PatternName[] } = {
  75: ["line", "full-house"],
  90: ["one-line", "two-lines", "full-house"],
};

/**
 * How the public record names players: by their `sub` as the operator issued it, or by
 * the lowercase hex HMAC-SHA256 (key: the seed's 32 bytes, message: UTF-8 "player:<sub>").
 */
export const RECORD_ID_KINDS = ["sub", "salted-hash"] as const;
export type RecordIds = (typeof RECORD_ID_KINDS)[number];

/** Rows of columns; 0 is a blank (90-ball) or the free centre (75-ball). */
export type Grid = readonly (readonly number[])[];

/**
 * The authoritative slot count of a game. `version` strictly increases with every change,
 * so a receiver keeps only the highest version it has seen.
 */
export interface SlotState {
  readonly total: number;
  readonly remaining: number;
  readonly version: number;
}

/** A card (75-ball) or ticket (90-ball). The grid derives from the game's seed and the id. */
export interface Card {
  readonly id: number;
  readonly grid: Grid;
}

/** A card in a `game:join` answer: its grid is left out when the join named it in `knownCards`. */
export interface JoinedCard {
  readonly id: number;
  readonly grid?: Grid;
}

export interface Winner {
  readonly playerId: string;
  readonly cardId: number;
  /** The player's display name when the prize was awarded, if they had set one (never in the public record). */
  readonly name?: string;
}

/**
 * A pattern's prize, decided: everyone who called in time with a card completing it on
 * `ballIndex` shares it. A card already complete when the pattern came into play counts as
 * completing on the last ball drawn then, so `ballIndex` never decreases from one award to the next.
 */
export interface Award {
  readonly pattern: PatternName;
  readonly ballIndex: number;
  readonly winners: readonly Winner[];
  /** Minor currency units each winner gets. */
  readonly prizeEach: number;
  /** Minor units left over by the equal split; rolled into the next pattern's pool. */
  readonly remainder: number;
}

/**
 * An award as the server sends it to a room or a client: the figures, and the first
 * `AWARD_WINNERS_SHOWN` winners (server configuration, 20 by default; 0 sends none) in the
 * record's order. A show with thousands of winners would otherwise send the whole list to
 * every socket. The whole list is in the public record and the host's winners export;
 * each winning player is told of their own cards by `bingo:won`.
 */
export interface AwardNotice extends Omit<Award, "winners"> {
  /** The first winners, in the record's order; fewer than `winnerCount` when the list was cut. */
  readonly winners: readonly Winner[];
  /** How many cards share the prize. */
  readonly winnerCount: number;
}

/** Where the round stands. `version` strictly increases with every change of it. */
export interface RoundState {
  /** Balls drawn so far, in order. */
  readonly draws: readonly number[];
  /** Index into `patterns` of the pattern in play; equal to patterns.length once all are awarded. */
  readonly pattern: number;
  readonly paused: boolean;
  /** Auto-draw interval, or null when the host draws by hand. */
  readonly autoIntervalMs: number | null;
  readonly awards: readonly AwardNotice[];
  readonly version: number;
}

export interface GameSnapshot {
  readonly id: string;
  readonly title: string;
  readonly variant: Variant;
  readonly phase: Phase;
  /** Lowercase hex SHA-256 of the seed's 32 bytes, fixed at creation: lets anyone check the revealed seed. */
  readonly commitment: string;
  /** Revealed once the game is finished; null before. */
  readonly seed: string | null;
  readonly patterns: readonly PatternName[];
  /** Prize pool per pattern, minor currency units. */
  readonly prizes: readonly number[];
  readonly maxPerPlayer: number;
  readonly slots: SlotState;
  readonly round: RoundState;
  readonly myCards: readonly Card[];
  /** Whether the server calls bingo for this player's cards by itself. */
  readonly autoClaim: boolean;
  /** The claim window's grace, fixed for the game: ball j's calls count until graceMs after ball j+1 is drawn, and no later than graceMs after the pattern's first valid call. */
  readonly graceMs: number;
  /** ISO 4217 code of the prizes' currency; `prizes` and every `prizeEach` are in its minor unit. */
  readonly currency: string;
  /** The id of the game the host started after this one (`game:next`), or null. */
  readonly next: string | null;
  /** This player's winning cards, in award order (an award's `winners` may not list them). */
  readonly myWins: readonly PlayerWin[];
}

/** `game:join`'s snapshot: `myCards` leaves out the grids of the cards the join named in `knownCards`. */
export type JoinSnapshot = Omit<GameSnapshot, "myCards"> & { readonly myCards: readonly JoinedCard[] };

export interface SlotsMessage extends SlotState {
  readonly gameId: string;
  /** When the node emitted this broadcast (epoch ms, stamped once per broadcast): for delivery-latency measurement. */
  readonly at: number;
}

export interface PhaseMessage {
  readonly gameId: string;
  readonly phase: Phase;
  /** With claims opening: the limit per player of this claim window. */
  readonly maxPerPlayer?: number;
  readonly paused?: boolean;
  readonly autoIntervalMs?: number | null;
  /** The round version after this change (absent for claim-window changes). */
  readonly version?: number;
}

export interface DrawMessage {
  readonly gameId: string;
  readonly ball: number;
  /** 0-based position in the draw; a gap means a missed message: join again to resync. */
  readonly index: number;
  readonly version: number;
  /** When the drawing node emitted this broadcast (epoch ms, stamped once per draw): for delivery-latency measurement. */
  readonly at: number;
}

/** A pattern's prize was awarded: the figures and the first winners (see AwardNotice). */
export interface WinnersMessage {
  readonly gameId: string;
  readonly pattern: PatternName;
  readonly ballIndex: number;
  /** The first `AWARD_WINNERS_SHOWN` winners, in the record's order. */
  readonly winners: readonly Winner[];
  /** How many cards share the prize. */
  readonly winnerCount: number;
  readonly prizeEach: number;
  readonly version: number;
}

/**
 * To a winning player's own sockets in the game, just before the room's `winners`: which
 * of their cards won the pattern. The room's list is cut to its first winners, so this is
 * how a player learns of a win that list does not show.
 */
export interface WonMessage {
  readonly gameId: string;
  readonly pattern: PatternName;
  readonly ballIndex: number;
  /** The player's winning cards, in the record's order. */
  readonly cardIds: readonly number[];
  readonly prizeEach: number;
  readonly version: number;
}

/**
 * The host started the game that follows a finished one (`game:next`): every page of
 * `from` moves to `to` by itself. Also kept with the finished game (snapshot `next`).
 */
export interface NextGameMessage {
  readonly from: string;
  readonly to: string;
}

export interface FinishedMessage {
  readonly gameId: string;
  readonly seed: string;
  readonly results: readonly AwardNotice[];
  readonly version: number;
}

/** Live figures of a game for its host, about once a second, summed over every node. */
export interface StatsMessage {
  readonly gameId: string;
  /** Sockets in the game's room (players and hosts), on every node. */
  readonly connected: number;
  /** Card claims resolved in the last second. */
  readonly claimsPerSecond: number;
  /** Largest tick batch (claims in one store call) in the last second. */
  readonly largestBatch: number;
}

/** A valid bingo call, as it is recorded (the prize is decided with `winners`). To the host only. */
export interface CalledMessage {
  readonly gameId: string;
  readonly playerId: string;
  readonly cardId: number;
  readonly pattern: PatternName;
  readonly ballIndex: number;
  /** Made by the server for an auto-claim player. */
  readonly auto: boolean;
}

/**
 * To every socket of a node that is shutting down (SIGTERM): its connection closes next.
 * Reconnect to another node (the SDK does, with the same token); claims that got no answer
 * are sent again there with the same `requestId`.
 */
export interface DrainingMessage {
  readonly reason: string;
}

/**
 * To a socket whose token reached its `exp`: its connection closes next. socket.io-client
 * reconnects by itself; give it a fresh token through the `auth` callback (the SDK does,
 * from its token provider). A reconnect with the old token is refused UNAUTHORIZED.
 */
export interface SessionExpiredMessage {
  readonly reason: string;
}

/** What a player won: one row per winning card and pattern (`players:list`, snapshot `myWins`). */
export interface PlayerWin {
  readonly pattern: PatternName;
  readonly cardId: number;
  /** Minor currency units this card got. */
  readonly prizeEach: number;
}

/**
 * One player of a game as its host sees it (`players:list`). `presence`: `connected` while
 * a socket of the player is open on a live node and the app is in the foreground, else
 * `away` (reached by push).
 */
export interface PlayerRow {
  readonly playerId: string;
  /** The display name, or null when the player has not set one. */
  readonly name: string | null;
  readonly cards: number;
  readonly presence: "connected" | "away";
  readonly won: readonly PlayerWin[];
}
