/** Messages between the load generator's coordinator and its worker processes (IPC). */

export interface WorkerSetup {
  readonly urls: readonly string[];
  readonly secret: string;
  readonly gameId: string;
  /** Global index of this worker's first player, and how many it holds. */
  readonly firstPlayer: number;
  readonly players: number;
  readonly connectConcurrency: number;
}

export type ToWorker =
  | { readonly type: "connect"; readonly setup: WorkerSetup }
  | { readonly type: "claim"; readonly count: number; readonly repeatEvery: number }
  | { readonly type: "report" }
  | { readonly type: "close" };

export interface ClaimReport {
  readonly acked: number;
  readonly lost: number;
  readonly latenciesMs: number[];
  /** [playerIndex, cardId, ...] flat, for duplicate and limit checks across workers. */
  readonly grants: number[];
  readonly refusals: Record<string, number>;
  /** Repeated requestIds whose answer differed from the first. */
  readonly contradictions: number;
  readonly fluctuations: number;
  readonly slotsMessages: number;
  /** ms timestamps (coordinator clock) of each slots message received, with its remaining. */
  readonly remainingSeries: [number, number][];
}

export type FromWorker =
  | { readonly type: "connected"; readonly connected: number; readonly failed: number }
  | { readonly type: "claimed"; readonly report: ClaimReport }
  | { readonly type: "closed" };
