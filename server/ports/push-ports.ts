import type { Platform, PushEvent, PushKind, PushStage, PushTarget } from "../domain/push-messages";
import type { PushPrefs, PushPrefsPayload } from "../../shared/protocol/push-prefs";

/** Limits on each player's devices. */
export interface DeviceLimits {
  /** MAX_PUSH_TOKENS_PER_PLAYER: registering one more drops the player's oldest. */
  readonly maxTokensPerPlayer: number;
  /** PUSH_TOKEN_TTL_DAYS in ms: a token not registered again for this long is pruned. */
  readonly tokenTtlMs: number;
}

/**
 * Who can be reached by push: each player's devices (FCM tokens), which games they joined,
 * and their presence (sockets per node instance, app state). Redis for several nodes,
 * memory for one.
 */
/** One join of a batch: the player, and the node instance its socket is open on (none: it closed meanwhile). */
export interface PlayerJoin {
  readonly playerId: string;
  readonly instance?: string;
}

export interface PlayerDirectory {
  /**
   * Registers (or refreshes) a device for the player. A token belongs to one player at a
   * time: registering it moves it from whoever had it. Beyond the player's limit the oldest
   * of their other tokens is dropped.
   */
  registerToken(playerId: string, token: string, platform: Platform): Promise<void>;
  /** Forgets a token: the player unregistered it, or FCM said it is dead. */
  dropToken(playerId: string, token: string): Promise<void>;
  /**
   * The player joined a game from a socket open on node instance `instance`: a member of
   * its audience, and back in the foreground. Without `instance` (the socket closed before
   * the join was recorded) the player stays a candidate of the game's pushes until found
   * connected.
   */
  joined(gameId: string, playerId: string, instance?: string): Promise<void>;
  /**
   * `joined` for each of a batch of joins, in a few round trips per store node, not per player.
   * A `setAppState` or `socketClosed` of one of these players, called on this directory
   * while the batch is being written (the app went to the background while its join was on
   * its way), takes effect after it: the app's latest word wins.
   */
  joinedMany(gameId: string, joins: readonly PlayerJoin[]): Promise<void>;
  setAppState(playerId: string, state: "foreground" | "background"): Promise<void>;
  /**
   * A socket of the player opened or closed on the node instance `instance` (one id per
   * process start, so a restarted node never inherits its former self's counts).
   */
  socketOpened(playerId: string, instance: string): Promise<void>;
  socketClosed(playerId: string, instance: string): Promise<void>;
  /**
   * This instance is alive; counts of instances silent for long are ignored, and their
   * players count as gone since that instance's last beat. Resolves true when the store
   * did not know the instance (first beat, or the store lost it): the caller then restores
   * its counts with `restoreSockets`.
   */
  heartbeat(instance: string): Promise<boolean>;
  /** Writes this instance's socket count of each player again, from its live sockets. */
  restoreSockets(instance: string, counts: ReadonlyMap<string, number>): Promise<void>;
  /**
   * The devices to push an event to: of `players` when given, else of every player who
   * joined the game; in both cases only players in the background (see isBackgrounded).
   * Each token at most once. With `push`, only the devices the player's preferences let
   * that push reach (see pushVerdict): a muted kind reaches none, quiet hours hold back
   * what a device would show.
   */
  pushTargets(gameId: string, players: readonly string[] | null, graceMs: number, push?: PushAudienceFilter): Promise<PushTarget[]>;
  /**
   * Changes the player's push preferences (fields given replace, fields left out are kept)
   * and returns what is stored. Kept per player, for as long as their devices: refreshed by
   * every `registerToken` and every change, gone after the token TTL without either.
   */
  setPushPrefs(playerId: string, change: PushPrefsPayload): Promise<PushPrefs>;
  /**
   * Registered tokens per platform, store-wide (every node sees the same): those registered
   * within the token TTL and not dropped since. Kept as the tokens change, never counted by
   * reading every player.
   */
  tokensByPlatform(): Promise<Record<Platform, number>>;
  /**
   * For the host's player list, one answer per player in order: `connected` when a socket
   * of the player is open on a live node instance and the app did not say it went to the
   * background; `away` otherwise (pushes reach them). One round trip per Redis node.
   */
  presenceOf(players: readonly string[]): Promise<("connected" | "away")[]>;
}

/** What a push is, for the preferences that pick its devices. */
export interface PushAudienceFilter {
  readonly kind: PushKind;
  /** An alert (shown by a phone); any push to a browser is shown as well. */
  readonly alert: boolean;
  /** The injected clock's now (ms): quiet hours are judged at this time. */
  readonly at: number;
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
  /** Acknowledges entries: done, never to be sent again; their delivery records go too. */
  ack(ids: readonly string[]): Promise<void>;
  /**
   * Keeps `consumer`'s claim on entries it is still sending (their idle time starts again),
   * so no other node takes them over. Returns the ids that are still `consumer`'s: an entry
   * missing from the answer was taken over, and its sender stops.
   */
  renew(consumer: string, ids: readonly string[]): Promise<string[]>;
  /** Devices an entry was already sent to (by any node), as `deliveryKey`s. */
  delivered(entryId: string): Promise<Set<string>>;
  /** Records that an entry was sent to these devices (`deliveryKey`s), before anything else happens to it. */
  recordDelivered(entryId: string, keys: readonly string[]): Promise<void>;
  /**
   * Moves an entry whose messages kept failing to the dead letters (and acknowledges it);
   * its delivery record stays, so a replay sends only to the devices it missed.
   */
  deadLetter(entry: OutboxEntry, failed: number, reason: string): Promise<void>;
  close(): Promise<void>;
}

/** What the gate knows of a game's pushes: its stage, and the newest slot version pushed. */
export interface GateState {
  readonly stage: PushStage | null;
  readonly version: number;
}

/**
 * Keeps one game's pushes in the game's order across nodes. Phase changes are recorded
 * (only forward, so a repeat is "stale"); a slot count passes only while claims are open,
 * only newer than every push of the game so far, and only in a higher threshold band
 * (see countBand) than the last push of the window.
 */
export interface PushGate {
  /**
   * Records a phase change before its push is queued: "passed", or "stale" (at that stage
   * already, or past it). `band`: the opening's count band (for `open`; 0 otherwise).
   */
  phase(gameId: string, stage: PushStage, version: number, band?: number): Promise<"passed" | "stale">;
  /**
   * "passed", or why not: "same-band" (no new threshold crossed since the last push) or
   * "stale" (a newer push or a later phase).
   */
  count(gameId: string, version: number, band: number): Promise<"passed" | "same-band" | "stale">;
  /** The game's stage and newest pushed version now (the sender checks entries against it). */
  current(gameId: string): Promise<GateState>;
}

/** The defaults of MAX_PUSH_TOKENS_PER_PLAYER and PUSH_TOKEN_TTL_DAYS. */
export const DEFAULT_DEVICE_LIMITS: DeviceLimits = { maxTokensPerPlayer: 10, tokenTtlMs: 30 * 24 * 3600_000 };
