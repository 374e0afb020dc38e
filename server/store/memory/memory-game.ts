import type { Award, AwardTime, Phase, RecordedCalls } from "../../../shared/protocol";
import type { NewGame } from "../../ports/game-store";

/** One game in memory: the same fields the Redis store keeps (see ../redis/lua/00-common.lua). */
export interface MemoryGame extends NewGame {
  phase: Phase;
  total: number;
  remaining: number;
  version: number;
  maxPerPlayer: number;
  nextCard: number;
  readonly owned: Map<string, number>;
  /** playerId → [firstCardId, count, firstCardId, count, ...] */
  readonly cardRanges: Map<string, number[]>;
  /** request key → its first answer (card claims: six numbers; bingo calls: three) */
  readonly requests: Map<string, number[]>;
  roundVersion: number;
  /** ms each drawn ball was drawn at; its length is the number of balls drawn */
  readonly times: number[];
  paused: boolean;
  autoIntervalMs: number | null;
  pattern: number;
  /** ball index of the pending award, -1 when none */
  pending: number;
  /** index of the last ball drawn when the pattern in play came into play, -1 when none */
  from: number;
  /** when the pattern in play came into play (round start or the previous award), store ms */
  fromAt: number;
  carry: number;
  /** store ms of the first valid call for the pattern in play, -1 when none yet */
  firstCallAt: number;
  /** cardId → playerId: the valid calls of the pending award */
  readonly pendingCalls: Map<number, string>;
  readonly awards: (Award & AwardTime)[];
  /** "pattern:card" of every call in the call log */
  readonly called: Set<string>;
  readonly callLog: RecordedCalls[];
  readonly autoFlags: Map<string, boolean>;
  /** playerId → display name (one per player: a rename replaces it) */
  readonly names: Map<string, string>;
  /** players in the order of their first card grant (the host's player list) */
  readonly roster: string[];
  lease: { owner: string; token: number; until: number };
  /** the game its host started after this one finished, null before */
  next: string | null;
}

export function newMemoryGame(game: NewGame): MemoryGame {
  return {
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
    roundVersion: 0,
    times: [],
    paused: false,
    autoIntervalMs: null,
    pattern: 0,
    pending: -1,
    from: -1,
    fromAt: 0,
    carry: 0,
    firstCallAt: -1,
    pendingCalls: new Map(),
    awards: [],
    called: new Set(),
    callLog: [],
    autoFlags: new Map(),
    names: new Map(),
    roster: [],
    lease: { owner: "", token: 0, until: 0 },
    next: null,
  };
}
