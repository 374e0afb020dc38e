import type { ErrorCode } from "../../shared/protocol";
import type { ClaimBatchReply } from "../domain/claim-batch";

/**
 * What the tick loop reports: once per tick and once per game batch, never once per claim,
 * so counting costs the hot path nothing it would notice.
 */
export interface TickMetrics {
  /** A tick ended: every game's store call settled and the slot states emitted. */
  tick(seconds: number): void;
  /** One game's store call in a tick (one Redis MULTI/EXEC): its claims and calls, and how long the store took. */
  batch(claims: number, calls: number, storeSeconds: number): void;
  /** The store answered `count` claims with `reply` (granted, or refused with a code per claim). */
  claimsAnswered(reply: ClaimBatchReply, count: number): void;
  /**
   * `count` claims answered without a store reply: the store was not reached (UNAVAILABLE),
   * its answer did not arrive in time (OUTCOME_UNKNOWN), the queue was full, the node is stopping.
   */
  claimsRefused(code: ErrorCode, count: number): void;
}

/** Why a client event or connection was turned away at the edge. */
export type LimitScope = "socket" | "player";

/**
 * Why the node closed a connection itself: a client that does not read its answers, one
 * that keeps going over its rate limit, a handshake not finished in time, a WebSocket
 * upgrade turned away while MAX_HANDSHAKES were in progress, or a TCP connection over the
 * hard cap (MAX_CONNECTIONS plus headroom) closed at once.
 */
export type CutReason = "send-buffer" | "rate-abuse" | "handshake-timeout" | "handshakes-busy" | "over-capacity";

/** Everything a node counts and times. Implemented with prom-client (server/observability); the core only sees this. */
export interface Metrics extends TickMetrics {
  /** One emit to a game's room (`slots`, `draw`, `winners`, ...) and how long writing it to the sockets took. */
  broadcast(event: string, seconds: number): void;
  /** This node drew a ball. */
  drawn(): void;
  /** A client event over a token bucket, answered RATE_LIMITED (or dropped when it had no ack). */
  rateLimited(scope: LimitScope): void;
  /** A connection refused before it was admitted. */
  connectionRefused(code: ErrorCode): void;
  /** A connection the node closed itself, and why. */
  connectionCut(reason: CutReason): void;
  /** How long a WebSocket upgrade waited for the node, from its TCP connection's accept to the node reading it (seconds). */
  upgradeWait(seconds: number): void;
  /** Push messages the sender accepted. */
  pushSent(count: number): void;
  /** Push messages that failed one attempt: `reason` is "dead-token", "transient", "refused" or "error". */
  pushFailed(reason: string, count: number): void;
  /**
   * A push not queued or not sent because it no longer described the game: "stale" (a count
   * after a later phase or a newer push), "duplicate-phase" (a phase another node already
   * pushed), "superseded" (queued, then overtaken before it was sent).
   */
  pushSuppressed(reason: PushSuppression): void;
  /** An outbox entry that exhausted its retries went to the dead letters. */
  pushDeadLettered(): void;
  /** This node took over an entry another node had taken and not renewed. */
  pushTakenOver(): void;
  /** From an event to the first message of it FCM accepted (seconds). */
  pushLatency(seconds: number): void;
}

export type PushSuppression = "stale" | "duplicate-phase" | "superseded";

const nothing = (): void => undefined;

/** For code run without a registry (unit tests, scripts). */
export const noMetrics: Metrics = {
  tick: nothing,
  batch: nothing,
  claimsAnswered: nothing,
  claimsRefused: nothing,
  broadcast: nothing,
  drawn: nothing,
  rateLimited: nothing,
  connectionRefused: nothing,
  connectionCut: nothing,
  upgradeWait: nothing,
  pushSent: nothing,
  pushFailed: nothing,
  pushSuppressed: nothing,
  pushDeadLettered: nothing,
  pushTakenOver: nothing,
  pushLatency: nothing,
};
