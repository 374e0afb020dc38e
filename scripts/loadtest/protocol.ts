/** Messages between the load generator's coordinator and its worker processes (IPC). */
import type { Buckets } from "./histogram";

export interface WorkerSetup {
  readonly urls: readonly string[];
  readonly secret: string;
  readonly gameId: string;
  /** Global index of this worker's first player, and how many it holds. */
  readonly firstPlayer: number;
  readonly players: number;
  readonly connectConcurrency: number;
  /** How long a dropped player keeps trying to rejoin before it counts as failed (ms). */
  readonly rejoinWindowMs: number;
}

/**
 * How the players' connections go away in a reconnect storm. `baseline`: the target is a
 * baseline server whose `game:join` only subscribes, so any answer counts as rejoined.
 */
export type DropMode =
  /** Every client loses its connection at once and reconnects as socket.io-client would. */
  | { readonly kind: "all"; readonly urls: readonly string[]; readonly baseline?: boolean }
  /** The node at `lostUrl` is about to be killed: its clients reconnect to `urls` (the survivors) when they notice. */
  | { readonly kind: "node-loss"; readonly lostUrl: string; readonly urls: readonly string[]; readonly baseline?: boolean };

export type ToWorker =
  | { readonly type: "connect"; readonly setup: WorkerSetup }
  | { readonly type: "claim"; readonly count: number; readonly repeatEvery: number }
  /**
   * Answered once every connected player holds slot version `version` (from an ack or a
   * broadcast), or after a timeout: with `lacking`, the players that still do not.
   */
  | { readonly type: "settle"; readonly version: number }
  /** Every player sends `game:join` for the game at once (it is already in it: a join storm). */
  | { readonly type: "join-all" }
  | { readonly type: "status" }
  | { readonly type: "auto-off" }
  /**
   * Play by hand: from draw `fromIndex` on, call bingo for every card the drawn balls
   * complete for `pattern` (all at once on that draw: the burst).
   */
  | { readonly type: "play"; readonly pattern: string; readonly fromIndex: number }
  | { readonly type: "draws-report" }
  | { readonly type: "bingo-report" }
  | { readonly type: "drop"; readonly mode: DropMode }
  | { readonly type: "rejoin-report" }
  | { readonly type: "close" };

export interface ClaimReport {
  readonly acked: number;
  readonly lost: number;
  /** Claims first answered OUTCOME_UNKNOWN and settled by repeating them, as the SDK does (their latency runs to the settled answer). */
  readonly settledUnknown: number;
  readonly latency: Buckets;
  /** Epoch ms of every first answer, for the claims-per-second curve. */
  readonly ackTimes: number[];
  /** [playerIndex, cardId, ...] flat, for duplicate and limit checks across workers. */
  readonly grants: number[];
  readonly refusals: Record<string, number>;
  /** Repeated requestIds whose answer differed from the first. */
  readonly contradictions: number;
  readonly fluctuations: number;
  readonly slotsMessages: number;
  /** From the node's emit (`at`) to this client's receipt, every slots message. */
  readonly slotsLatency: Buckets;
  /** ms timestamps of each slots message one player received, with its remaining. */
  readonly remainingSeries: [number, number][];
}

export interface JoinReport {
  /** Joins answered at all (a baseline answers without a snapshot), and answered with one listing exactly the cards granted, each with its grid unless the join named it as known. */
  readonly answered: number;
  readonly ok: number;
  readonly lost: number;
  /** From each `game:join` sent to its answer. */
  readonly latency: Buckets;
}

export interface DrawsReport {
  /** Players that received draw `index`, by index. */
  readonly receivedByIndex: number[];
  /** From the drawing node's emit (`at`) to each client's receipt. */
  readonly latency: Buckets;
  /** A client saw an index skipped or repeated. */
  readonly gaps: number;
}

export interface BingoReport {
  readonly calls: number;
  readonly accepted: number;
  readonly lost: number;
  /** Calls first answered OUTCOME_UNKNOWN and settled by repeating them, as the SDK does (their latency runs to the settled answer). */
  readonly settledUnknown: number;
  readonly refusals: Record<string, number>;
  readonly latency: Buckets;
  /** [cardId, ballIndex (the server's), ...] of every call acked ok. */
  readonly acceptedCalls: number[];
  /** [cardId, ballIndex (the player's own check), epoch ms sent, epoch ms answered, ...] of every call refused. */
  readonly refusedCalls: number[];
  /** When the drawing node emitted each draw, by index. */
  readonly drawAt: number[];
  /** Accepted calls whose ball (the server's) differs from the one the player's own check found. */
  readonly ballMismatches: number;
  /** Epoch ms of the first call sent and the last answer received. */
  readonly firstSentAt: number;
  readonly lastAnsweredAt: number;
  /** How many clients saw each distinct `winners` message (its pattern, ball, prize, count and the winners it lists). */
  readonly winnersSeen: Record<string, number>;
  /** Every winning card a player was told of by `bingo:won`, as `lp-N#card@pattern`. */
  readonly toldWins: string[];
}

export interface RejoinReport {
  readonly dropped: number;
  readonly rejoined: number;
  readonly failed: number;
  readonly attempts: number;
  /** From the drop (or the moment the client noticed its node was gone) to the join ack. */
  readonly latency: Buckets;
  /** Epoch ms of the last join ack. */
  readonly lastRejoinedAt: number;
  /** How many rejoined clients got each distinct snapshot state (phase, slots, round). */
  readonly states: Record<string, number>;
  /**
   * Every failed attempt by what failed: `connect timeout` (the SDK's CONNECT_ATTEMPT_TIMEOUT_MS),
   * `transport error` (the connection was reset or turned away before the WebSocket opened,
   * as a node past MAX_HANDSHAKES does), `closed in handshake`, `refused <CODE>` (a coded
   * connect_error), `join <CODE>` and `join no answer` (30 s).
   */
  readonly failedAttempts: Record<string, number>;
  /** Rejoined clients whose snapshot did not list exactly the cards they were granted. */
  readonly cardMismatches: number;
  /** The first few of them: what the client was granted and what its rejoin listed (`!` marks a card without a grid). */
  readonly cardMismatchExamples: readonly string[];
}

export type FromWorker =
  | { readonly type: "connected"; readonly connected: number; readonly failed: number }
  | { readonly type: "claimed"; readonly report: ClaimReport }
  | { readonly type: "settled"; readonly lacking: number }
  | { readonly type: "joined-all"; readonly report: JoinReport }
  | { readonly type: "status"; readonly connected: number; readonly unexpectedDisconnects: number }
  | { readonly type: "auto-off"; readonly ok: number; readonly failed: number }
  | { readonly type: "playing" }
  /** Every socket of this worker has received draw `index` (and made its calls for it). */
  | { readonly type: "draw-seen"; readonly index: number; readonly calls: number }
  /** Every socket of this worker has received a `winners` message. */
  | { readonly type: "winners-seen" }
  | { readonly type: "draws-report"; readonly report: DrawsReport }
  | { readonly type: "bingo-report"; readonly report: BingoReport }
  | { readonly type: "dropping" }
  | { readonly type: "rejoin-report"; readonly report: RejoinReport }
  | { readonly type: "closed" };
