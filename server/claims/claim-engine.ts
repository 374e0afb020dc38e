import type { Ack, Award, CallAccepted, CalledMessage, Card, Claimed, ProtocolError, SlotState } from "../../shared/protocol";
import { protocolError } from "../../shared/protocol";
import type { CallBatchReply } from "../domain/call-batch";
import { CALL_ERROR_BY_STATUS, CallStatus, callBallIndex, callCardId, callPattern, callPlayer, callStatus, settleAtOf } from "../domain/call-batch";
import type { ClaimBatchReply } from "../domain/claim-batch";
import { ClaimStatus, REFUSAL_BY_STATUS, cardsGranted, claimStatus, firstCard, outcomeSlots, slotsAfter } from "../domain/claim-batch";
import type { GameRules, RulesSource } from "../ports/game-rules";
import type { Clock } from "../ports/clock";
import type { GameStore, Settled, StoreResult, TickResult } from "../ports/game-store";
import type { TickMetrics } from "../ports/metrics";
import { noMetrics } from "../ports/metrics";
import type { Batch, CallAck, ClaimAck } from "./claim-queue";
import { GameRoom } from "./game-room";

/** How what a tick decided leaves this node. */
export interface TickFanout {
  /**
   * Emits the room's newest slot state to this node's own members of the game's room, over
   * one or more event-loop turns: `latest()` is asked for each part written. `done(costMs)`
   * once every member was written to, with the time spent writing.
   */
  emitLocal(gameId: string, latest: () => SlotState, done: (costMs: number) => void): void;
  /** Hands a state this node committed to the other nodes (they `receive` it). */
  share(gameId: string, state: SlotState): void;
  /** A valid bingo call was recorded by this node's tick. */
  called(message: CalledMessage): void;
  /** A pattern was awarded by this node's tick: announce it to the whole room, on every node. */
  awarded(gameId: string, award: Award, roundVersion: number, finished: boolean): void;
}

export interface ClaimEngineOptions {
  readonly tickMs: number;
  /** Entries (claims, and calls) per game per store call; the rest wait for the next tick. Bounds a Redis function's run time. */
  readonly maxClaimsPerTick: number;
  /**
   * Least time between two `slots` emits to one room (default: every tick). A broadcast
   * writes to every socket of the room, so under a storm a larger interval saves most of
   * a node's writes; the newest state still goes out, only less often.
   */
  readonly slotsMinIntervalMs?: number;
  /**
   * The broadcast budget: most of this node's time one room's `slots` broadcasts may take, in
   * percent (default: no budget, only slotsMinIntervalMs). The fanout reports what each emit
   * cost in writing, and the next one starts at least cost × 100 / percent after it started.
   * So a small room keeps slotsMinIntervalMs' cadence while a room of 10,000 local sockets,
   * some 250 ms of writes with `ws`, hears the count about once a second; never less often
   * than SLOTS_LATEST_WITHIN_MS. A room's next emit never starts before its last one is done.
   */
  readonly slotsBroadcastPercent?: number;
  /**
   * Most claims (and, separately, answerable bingo calls) one game may have waiting on this
   * node; more are answered RATE_LIMITED at once. Bounds memory and the wait of the last in
   * line. Default: no bound.
   */
  readonly maxPendingClaims?: number;
}

export interface TickReport {
  readonly gameId: string;
  readonly claims: number;
  readonly calls: number;
  readonly error?: ProtocolError;
  /** What a store threw, which it should never do. */
  readonly thrown?: unknown;
}

const REFUSALS: readonly Ack<Claimed>[] = REFUSAL_BY_STATUS.map((code) => ({ ok: false, error: protocolError(code) }) as const);
const CALL_REFUSALS: readonly Ack<CallAccepted>[] = CALL_ERROR_BY_STATUS.map((code) => ({ ok: false, error: protocolError(code) }) as const);
const STOPPED = { ok: false, error: protocolError("UNAVAILABLE", "this node is shutting down; retry on another") } as const;
const QUEUE_FULL = {
  ok: false,
  error: protocolError("RATE_LIMITED", "too many requests wait for this game on this node; nothing was done, send it again (same requestId) in a moment"),
} as const;
const EMPTY: Batch<never> = { args: [], acks: [] };
/**
 * However large a room and small the budget, a node sends a room's newest count at least
 * this often (when it changed): players must see the count move at least once a second.
 */
export const SLOTS_LATEST_WITHIN_MS = 1000;

/**
 * The tick loop of one node. Card claims and bingo calls for a game wait in its room;
 * every `tickMs` each room with work sends it to the store as ONE call (one Redis
 * MULTI/EXEC) — claims, calls, and the pending award once its window has closed —
 * answers every request from the reply, then each room whose slot state moved emits it
 * once to its local members. Ticks never overlap: the next is scheduled when the current
 * one has settled. With nothing pending, no timer runs at all.
 */
export class ClaimEngine {
  private readonly rooms = new Map<string, GameRoom>();
  private readonly active = new Set<GameRoom>();
  private timer: unknown = null;
  private ticking: Promise<void> | null = null;
  /** `slots` emits still writing (over several event-loop turns). */
  private readonly emitting = new Set<Promise<void>>();
  private stopped = false;
  /** Observers of each store call (tests, metrics). */
  onBatch: ((report: TickReport) => void) | null = null;

  constructor(
    private readonly store: GameStore,
    private readonly catalog: RulesSource,
    private readonly fanout: TickFanout,
    private readonly clock: Clock,
    private readonly options: ClaimEngineOptions,
    private readonly metrics: TickMetrics = noMetrics,
  ) {}

  enqueue(gameId: string, playerId: string, requestId: string, count: number, ack: ClaimAck): void {
    if (this.stopped) {
      this.metrics.claimsRefused("UNAVAILABLE", 1);
      return ack(STOPPED);
    }
    const room = this.room(gameId);
    if (room.claims.size >= (this.options.maxPendingClaims ?? Infinity)) {
      this.metrics.claimsRefused("RATE_LIMITED", 1);
      return ack(QUEUE_FULL);
    }
    room.claims.push(playerId, requestId, count, ack);
    this.activate(room);
  }

  /**
   * A bingo call for the next tick. `completions` comes from the game's rules; `ack` is
   * null for a call the server makes itself for an auto-claim player.
   */
  call(gameId: string, playerId: string, requestId: string, cardId: number, completions: string, ack: CallAck): void {
    if (this.stopped) return ack?.(STOPPED);
    const room = this.room(gameId);
    // The server's own auto-claim calls are never refused: nobody would send them again.
    if (ack !== null && room.calls.size >= (this.options.maxPendingClaims ?? Infinity)) return ack(QUEUE_FULL);
    room.calls.push(playerId, requestId, cardId, completions, ack);
    this.activate(room);
  }

  /** Asks a tick at or after `atMs` (store clock) to make the pending award. */
  settleAt(gameId: string, atMs: number): void {
    const room = this.room(gameId);
    if (room.settleAt !== null && room.settleAt <= atMs) return;
    if (room.settleTimer !== null) this.clock.clearTimeout(room.settleTimer);
    room.settleAt = atMs;
    room.settleTimer = this.clock.setTimeout(() => {
      room.settleTimer = null;
      room.settleAt = null;
      room.settleDue = true;
      this.activate(room);
    }, Math.max(0, atMs - this.clock.now()));
  }

  /**
   * A slot state this node learned outside its batches: from a host action it performed
   * (`share`: the other nodes are told) or from a join snapshot. Emitted to local members
   * at the next tick when it is the newest this node has seen.
   */
  offer(gameId: string, state: SlotState, share: boolean): void {
    const room = this.room(gameId);
    if (!room.offer(state)) return;
    if (share) this.fanout.share(gameId, state);
    this.activate(room);
  }

  /** A state another node committed. Ignored for games with no room on this node. */
  receive(gameId: string, state: SlotState): void {
    const room = this.rooms.get(gameId);
    if (room && room.offer(state)) this.activate(room);
  }

  /**
   * Forgets a game this node no longer serves (its last local member left), unless work
   * for it is still pending or its newest state is not yet emitted.
   */
  release(gameId: string): void {
    const room = this.rooms.get(gameId);
    if (room && !this.active.has(room) && room.settleAt === null) this.forget(room);
  }

  /** Games this node has a room for (pending work, a scheduled award, or slot state). */
  games(): Iterable<string> {
    return this.rooms.keys();
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  hasRoom(gameId: string): boolean {
    return this.rooms.has(gameId);
  }

  /** Resolves everything pending, then stops ticking. Requests enqueued later are refused. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    for (const room of this.rooms.values()) {
      if (room.settleTimer !== null) this.clock.clearTimeout(room.settleTimer);
      room.settleTimer = null;
    }
    while (this.ticking || this.active.size > 0 || this.emitting.size > 0) {
      // An emit in progress finishes first: a room's newer state waits for it.
      if (this.ticking) await this.ticking;
      else if (this.emitting.size > 0) await Promise.all(this.emitting);
      else await this.tick();
    }
  }

  private room(gameId: string): GameRoom {
    let room = this.rooms.get(gameId);
    if (!room) {
      room = new GameRoom(gameId);
      this.rooms.set(gameId, room);
    }
    return room;
  }

  private activate(room: GameRoom): void {
    this.active.add(room);
    if (this.timer === null && this.ticking === null && !this.stopped) {
      this.timer = this.clock.setTimeout(this.onTimer, this.options.tickMs);
    }
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    void this.tick();
  };

  private tick(): Promise<void> {
    const started = this.clock.now();
    const startedAt = performance.now();
    const flushes: Promise<void>[] = [];
    for (const room of this.active) {
      if (room.hasStoreWork) flushes.push(this.flush(room));
    }
    this.ticking = Promise.all(flushes).then(() => {
      const now = this.clock.now();
      for (const room of this.active) {
        // Stopping: the newest state goes out now (waiting out the interval would spin stop()'s loop).
        if (!room.emitting && (this.stopped || now - room.emittedAt >= room.slotsWaitMs)) {
          const state = room.takeUnemitted();
          if (state) {
            room.emittedAt = now;
            this.emitSlots(room, state);
          }
        }
        // A room left while it emits comes back when its emit is done, if a newer state waits.
        if (!room.hasStoreWork && !room.hasUnemitted) this.active.delete(room);
      }
      this.ticking = null;
      this.metrics.tick((performance.now() - startedAt) / 1000);
      if (this.active.size > 0 && !this.stopped) {
        const wait = Math.max(0, this.options.tickMs - (this.clock.now() - started));
        this.timer = this.clock.setTimeout(this.onTimer, wait);
      }
    });
    return this.ticking;
  }

  private emitSlots(room: GameRoom, state: SlotState): void {
    room.emitting = true;
    let finished!: () => void;
    const emitted = new Promise<void>((resolve) => (finished = resolve));
    this.emitting.add(emitted);
    this.fanout.emitLocal(room.gameId, () => room.newest ?? state, (costMs) => {
      room.emitting = false;
      room.slotsWaitMs = this.slotsWaitAfter(costMs);
      this.emitting.delete(emitted);
      finished();
      if (room.hasUnemitted && this.rooms.get(room.gameId) === room) this.activate(room);
    });
  }

  /** How long a room waits before its next `slots` emit, after one that took `costMs`. */
  private slotsWaitAfter(costMs: number): number {
    const floor = this.options.slotsMinIntervalMs ?? 0;
    const percent = this.options.slotsBroadcastPercent;
    if (percent === undefined) return floor;
    // An operator's floor above the 1 s guarantee is a deliberate choice, and wins.
    return Math.min(Math.max(floor, (costMs * 100) / percent), Math.max(floor, SLOTS_LATEST_WITHIN_MS));
  }

  private async flush(room: GameRoom): Promise<void> {
    const max = this.options.maxClaimsPerTick;
    const claims = room.claims.size > 0 ? room.claims.take(max) : (EMPTY as Batch<ClaimAck>);
    const calls = room.calls.size > 0 ? room.calls.take(max) : (EMPTY as Batch<CallAck>);
    const settle = room.settleDue;
    room.settleDue = false;
    const claimCount = claims.acks.length;
    const callCount = calls.acks.length;
    let result: StoreResult<TickResult>;
    let rules: GameRules | undefined;
    let thrown: unknown;
    try {
      // Card grids and pattern names derive from the game's rules: loaded once per game per node.
      const loaded = claims.acks.length > 0 || calls.acks.length > 0 ? await this.catalog.load(room.gameId) : null;
      if (loaded && !loaded.ok) result = loaded;
      else {
        rules = loaded?.value;
        const sent = performance.now();
        result = await this.store.resolveTick(room.gameId, { claims: claims.args, calls: calls.args, settle });
        this.metrics.batch(claimCount, callCount, (performance.now() - sent) / 1000);
      }
    } catch (cause) {
      // A store must not throw; if one does, every request still gets its answer.
      thrown = cause;
      result = { ok: false, error: protocolError("INTERNAL") };
    }
    try {
      if (result.ok) {
        if (result.value.claims) this.metrics.claimsAnswered(result.value.claims, claimCount);
        if (result.value.claims) this.answerClaims(room, claims, result.value.claims, rules!);
        if (result.value.calls) this.answerCalls(room, calls, result.value.calls, rules!);
        if (result.value.settled) this.settled(room, result.value.settled);
      } else {
        const claimRefusal: Ack<Claimed> = { ok: false, error: result.error };
        const callRefusal: Ack<CallAccepted> = claimRefusal;
        this.metrics.claimsRefused(result.error.code, claimCount);
        for (const ack of claims.acks) ack(claimRefusal);
        for (const ack of calls.acks) ack?.(callRefusal);
        if (settle && result.error.code !== "NOT_FOUND") room.settleDue = true;
        if (result.error.code === "NOT_FOUND" && room.idle) this.forget(room);
      }
    } finally {
      if (claims !== EMPTY) room.claims.recycle(claims);
      if (calls !== EMPTY) room.calls.recycle(calls);
    }
    this.onBatch?.({
      gameId: room.gameId,
      claims: claimCount,
      calls: callCount,
      error: result.ok ? undefined : result.error,
      thrown,
    });
  }

  private answerClaims(room: GameRoom, batch: Batch<ClaimAck>, reply: ClaimBatchReply, rules: GameRules): void {
    const after: SlotState = slotsAfter(reply);
    if (room.offer(after)) this.fanout.share(room.gameId, after);
    const acks = batch.acks;
    for (let i = 0; i < acks.length; i++) {
      const status = claimStatus(reply, i);
      if (status !== ClaimStatus.GRANTED) {
        acks[i](REFUSALS[status] ?? REFUSALS[0]);
        continue;
      }
      const first = firstCard(reply, i);
      const cards: Card[] = new Array(cardsGranted(reply, i));
      for (let k = 0; k < cards.length; k++) cards[k] = { id: first + k, grid: rules.grid(first + k) };
      acks[i]({ ok: true, cards, slots: outcomeSlots(reply, i, after) });
    }
  }

  private answerCalls(room: GameRoom, batch: Batch<CallAck>, reply: CallBatchReply, rules: GameRules): void {
    const settleAt = settleAtOf(reply);
    if (settleAt >= 0) this.settleAt(room.gameId, settleAt);
    for (let i = 0; i < batch.acks.length; i++) {
      const ack = batch.acks[i];
      const status = callStatus(reply, i);
      const pattern = rules.patterns[callPattern(reply, i)];
      if (status !== CallStatus.OK || !pattern) {
        ack?.(CALL_REFUSALS[status === CallStatus.OK ? 0 : status] ?? CALL_REFUSALS[0]);
        continue;
      }
      const ballIndex = callBallIndex(reply, i);
      const playerId = callPlayer(batch.args, i);
      const cardId = callCardId(batch.args, i);
      this.fanout.called({ gameId: room.gameId, playerId, cardId, pattern, ballIndex, auto: ack === null });
      ack?.({ ok: true, pattern, ballIndex });
    }
  }

  private settled(room: GameRoom, settled: Settled): void {
    if (settled.awarded) this.fanout.awarded(room.gameId, settled.award, settled.roundVersion, settled.finished);
    else if (settled.settleAt !== null) this.settleAt(room.gameId, Math.max(settled.settleAt, this.clock.now() + 1));
  }

  private forget(room: GameRoom): void {
    if (room.settleTimer !== null) this.clock.clearTimeout(room.settleTimer);
    this.rooms.delete(room.gameId);
    this.active.delete(room);
    this.catalog.forget(room.gameId);
  }
}
