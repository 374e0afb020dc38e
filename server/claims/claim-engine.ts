import type { Ack, Card, Claimed, ProtocolError, SlotState } from "../../shared/protocol";
import { protocolError } from "../../shared/protocol";
import type { ClaimBatchReply } from "../domain/claim-batch";
import { ClaimStatus, HEADER, OUTCOME_STRIDE, REFUSAL_BY_STATUS } from "../domain/claim-batch";
import type { Clock } from "../ports/clock";
import type { GameStore, StoreResult } from "../ports/game-store";
import type { ClaimAck, ClaimBatch } from "./claim-queue";
import { GameRoom } from "./game-room";

/** How committed slot states leave this node. */
export interface SlotFanout {
  /** Emits `state` to this node's own members of the game's room. */
  emitLocal(gameId: string, state: SlotState): void;
  /** Hands a state this node committed to the other nodes (they `offer` it). */
  share(gameId: string, state: SlotState): void;
}

export interface ClaimEngineOptions {
  readonly tickMs: number;
  /** Claims per game per store call; the rest wait for the next tick. Bounds a Redis script's run time. */
  readonly maxClaimsPerTick: number;
}

export interface TickReport {
  readonly gameId: string;
  readonly claims: number;
  readonly error?: ProtocolError;
  /** What a store threw, which it should never do. */
  readonly thrown?: unknown;
}

const REFUSALS: readonly Ack<Claimed>[] = REFUSAL_BY_STATUS.map((code) => ({ ok: false, error: protocolError(code) }) as const);
const STOPPED: Ack<Claimed> = { ok: false, error: protocolError("UNAVAILABLE", "this node is shutting down; retry on another") };

/**
 * The tick loop of one node. Claims for a game wait in its room; every `tickMs` each room
 * with claims sends them to the store as ONE call (one Redis MULTI/EXEC), answers every
 * claim from the reply, then each room whose slot state moved emits it once to its local
 * members. Ticks never overlap: the next is scheduled when the current one has settled.
 * With nothing pending, no timer runs at all.
 */
export class ClaimEngine {
  private readonly rooms = new Map<string, GameRoom>();
  private readonly active = new Set<GameRoom>();
  private timer: unknown = null;
  private ticking: Promise<void> | null = null;
  private stopped = false;
  /** Observers of each store call (tests, metrics). */
  onBatch: ((report: TickReport) => void) | null = null;

  constructor(
    private readonly store: GameStore,
    private readonly fanout: SlotFanout,
    private readonly clock: Clock,
    private readonly options: ClaimEngineOptions,
  ) {}

  enqueue(gameId: string, playerId: string, requestId: string, count: number, ack: ClaimAck): void {
    if (this.stopped) {
      ack(STOPPED);
      return;
    }
    const room = this.room(gameId);
    room.queue.push(playerId, requestId, count, ack);
    this.activate(room);
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
   * Forgets a game this node no longer serves (its last local member left), unless claims
   * for it are still pending or its newest state is not yet emitted.
   */
  release(gameId: string): void {
    const room = this.rooms.get(gameId);
    if (room && !this.active.has(room)) this.forget(room);
  }

  /** Resolves every pending claim, then stops ticking. Claims enqueued later are refused. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    while (this.ticking || this.active.size > 0) {
      await (this.ticking ?? this.tick());
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
    const flushes: Promise<void>[] = [];
    for (const room of this.active) {
      if (room.queue.size > 0) flushes.push(this.flush(room));
    }
    this.ticking = Promise.all(flushes).then(() => {
      for (const room of this.active) {
        const state = room.takeUnemitted();
        if (state) this.fanout.emitLocal(room.gameId, state);
        if (room.queue.size === 0) this.active.delete(room);
      }
      this.ticking = null;
      if (this.active.size > 0 && !this.stopped) {
        const wait = Math.max(0, this.options.tickMs - (this.clock.now() - started));
        this.timer = this.clock.setTimeout(this.onTimer, wait);
      }
    });
    return this.ticking;
  }

  private async flush(room: GameRoom): Promise<void> {
    const batch = room.queue.take(this.options.maxClaimsPerTick);
    const claims = batch.acks.length;
    let result: StoreResult<ClaimBatchReply>;
    let thrown: unknown;
    try {
      result = await this.store.resolveClaims(room.gameId, batch.args);
    } catch (cause) {
      // A store must not throw; if one does, every claim still gets its answer.
      thrown = cause;
      result = { ok: false, error: protocolError("INTERNAL") };
    }
    try {
      if (result.ok) {
        this.answer(room, batch, result.value);
      } else {
        const refusal: Ack<Claimed> = { ok: false, error: result.error };
        for (const ack of batch.acks) ack(refusal);
        if (result.error.code === "NOT_FOUND" && room.idle) this.forget(room);
      }
    } finally {
      room.queue.recycle(batch);
    }
    this.onBatch?.({ gameId: room.gameId, claims, error: result.ok ? undefined : result.error, thrown });
  }

  private answer(room: GameRoom, batch: ClaimBatch, reply: ClaimBatchReply): void {
    const after: SlotState = { total: reply[0], remaining: reply[1], version: reply[2] };
    if (room.offer(after)) this.fanout.share(room.gameId, after);
    const acks = batch.acks;
    for (let i = 0; i < acks.length; i++) {
      const at = HEADER + i * OUTCOME_STRIDE;
      const status = reply[at];
      if (status !== ClaimStatus.GRANTED) {
        acks[i](REFUSALS[status] ?? REFUSALS[0]);
        continue;
      }
      const first = reply[at + 1];
      const cards: Card[] = new Array(reply[at + 2]);
      for (let k = 0; k < cards.length; k++) cards[k] = { id: first + k };
      const slots =
        reply[at + 5] === after.version && reply[at + 4] === after.remaining && reply[at + 3] === after.total
          ? after
          : { total: reply[at + 3], remaining: reply[at + 4], version: reply[at + 5] };
      acks[i]({ ok: true, cards, slots });
    }
  }

  private forget(room: GameRoom): void {
    this.rooms.delete(room.gameId);
    this.active.delete(room);
  }
}
