import type { Platform, PushEvent, PushTarget } from "../domain/push-messages";

/**
 * Who can be reached by push: each player's devices (FCM tokens), which games they joined,
 * and their presence (sockets per node, app state). Redis for several nodes, memory for one.
 */
export interface PlayerDirectory {
  registerToken(playerId: string, token: string, platform: Platform): Promise<void>;
  /** Forgets a token: the player unregistered it, or FCM said it is dead. */
  dropToken(playerId: string, token: string): Promise<void>;
  /** The player joined a game on some node: a member of its audience, and back in the foreground. */
  joined(gameId: string, playerId: string): Promise<void>;
  setAppState(playerId: string, state: "foreground" | "background"): Promise<void>;
  socketOpened(playerId: string, nodeId: string): Promise<void>;
  socketClosed(playerId: string, nodeId: string): Promise<void>;
  /** This node is alive; sockets counted on nodes silent for long are ignored. */
  heartbeat(nodeId: string): Promise<void>;
  /**
   * The devices to push an event to: of `players` when given, else of every player who
   * joined the game; in both cases only players in the background (see isBackgrounded).
   */
  pushTargets(gameId: string, players: readonly string[] | null, graceMs: number): Promise<PushTarget[]>;
}

/** An event in the outbox, as one consumer took it. */
export interface OutboxEntry {
  readonly id: string;
  readonly event: PushEvent;
}

/**
 * Events waiting to be pushed. Each is appended once; every node consumes through one
 * group, so each entry goes to one node; an entry a dead node took is reclaimed by another
 * after a timeout. Redis Streams for several nodes, an in-process queue for one.
 */
export interface PushOutbox {
  append(event: PushEvent): Promise<void>;
  /** New entries for `consumer`, waiting up to `waitMs` when there are none. */
  take(consumer: string, count: number, waitMs: number): Promise<OutboxEntry[]>;
  /** Entries taken by any consumer and not acknowledged for `idleMs`: now `consumer`'s. */
  reclaim(consumer: string, idleMs: number, count: number): Promise<OutboxEntry[]>;
  ack(ids: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Throttles pushes of one kind for one game across nodes: at most one event per interval,
 * and only a newer version than the last one let through.
 */
export interface PushGate {
  /** "passed", or why not: "too-soon" (try again later with the latest) or "stale" (already sent). */
  pass(gameId: string, kind: string, version: number, intervalMs: number): Promise<"passed" | "too-soon" | "stale">;
}
