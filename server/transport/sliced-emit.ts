import type { SlotsMessage } from "../../shared/protocol";
import { SLOTS_LATEST_WITHIN_MS } from "../claims/claim-engine";
import type { AckedSlots } from "./acked-slots";
import type { BingoServer } from "./socket-types";

export interface SliceOptions {
  /**
   * Most time one event-loop turn spends writing (ms): then the rest waits for the next turn,
   * so the Redis replies, acks and ticks that arrived meanwhile go first. 0: one slice per turn.
   */
  readonly sliceMs: number;
  /** Sockets per slice: a slice is one Socket.IO emit (one encoding, one write per socket). */
  readonly sliceSockets: number;
  /** High-resolution ms (tests inject one to give a write a known cost). */
  readonly now: () => number;
}

export const DEFAULT_SLICE_SOCKETS = 128;
/**
 * An emit is paced to be done within this (ms): a turn that finds it behind writes on past
 * `sliceMs` until it has caught up. Half of SLOTS_LATEST_WITHIN_MS, so on a busy node the
 * acks between slices cannot delay the count past the once-a-second promise.
 */
export const SLICE_PACE_MS = SLOTS_LATEST_WITHIN_MS / 2;

/** The members an emit left on an older version than the one it ended with. */
interface Behind {
  readonly ids: readonly string[];
  readonly version: number;
}

/**
 * Emits `slots` to this node's members of a room a slice at a time, `sliceMs` per event-loop
 * turn (more when behind SLICE_PACE_MS). A broadcast to 10,000 sockets writes for some hundreds
 * of ms; done in one go it held every ack and tick behind it (the claim storm's profile: acks
 * came in bursts between broadcasts).
 *
 * - Members are the room's sockets when the emit starts: one that joins later got the state
 *   in its join snapshot, one that leaves is skipped.
 * - `message()` is asked again for every slice, so a slice sends the newest state, never an
 *   older one than the member may already have had in an ack. Each member's versions only
 *   go up.
 * - When the state moved during an emit, the members written before it moved are remembered;
 *   if the next emit of the room is of the same version, it goes to them only, so nobody gets
 *   one version twice.
 * - A member whose claim ack already carried the version a slice sends (AckedSlots) is
 *   skipped: in a storm, a claimer hears its tick's count once, in its ack.
 * - `done(costMs)` is called once every member was written to, with the time spent writing
 *   (not the turns waited in between).
 */
export class SlicedSlotsEmitter {
  private readonly behind = new Map<string, Behind>();

  constructor(
    private readonly io: BingoServer,
    private readonly options: SliceOptions,
    private readonly acked: Pick<AckedSlots, "has"> | null = null,
  ) {}

  emit(room: string, message: () => SlotsMessage, done: (costMs: number) => void): void {
    const first = message();
    const left = this.behind.get(room);
    this.behind.delete(room);
    const members = left?.version === first.version ? left.ids : Array.from(this.io.of("/").adapter.rooms.get(room) ?? []);
    if (members.length === 0) return done(0);
    const { sliceMs, sliceSockets, now } = this.options;
    let at = 0;
    let cost = 0;
    let sent = first;
    /** Members before this index got an older version than `sent`. */
    let movedAt = 0;
    let startedAt: number | null = null;
    const step = (): void => {
      const began = now();
      startedAt ??= began;
      // The share of members that should be written by now, for the emit to be done in SLICE_PACE_MS.
      const due = Math.min(members.length, ((began - startedAt) / SLICE_PACE_MS) * members.length);
      for (;;) {
        const slice = at === 0 && members.length <= sliceSockets ? members : members.slice(at, at + sliceSockets);
        const newest = at === 0 ? first : message();
        if (newest.version !== sent.version) {
          sent = newest;
          movedAt = at;
        }
        const to = this.unacked(slice, room, sent.version);
        // Each socket is in the room named by its id, so this writes to those sockets only
        // (an empty list would mean the whole namespace).
        if (to.length > 0) this.io.local.to(to as string[]).emit("slots", sent);
        at += slice.length;
        if (at >= members.length || (now() - began >= sliceMs && at >= due)) break;
      }
      cost += now() - began;
      if (at < members.length) return void setImmediate(step);
      if (movedAt > 0) this.behind.set(room, { ids: members.slice(0, movedAt), version: sent.version });
      done(cost);
    };
    step();
  }

  /** The slice without the members whose ack already carried `version`; the slice itself when that is all of them. */
  private unacked(slice: readonly string[], room: string, version: number): readonly string[] {
    const acked = this.acked;
    if (acked === null) return slice;
    let kept: string[] | null = null;
    for (let i = 0; i < slice.length; i++) {
      const skip = acked.has(slice[i], room, version);
      if (skip && kept === null) kept = slice.slice(0, i) as string[];
      else if (!skip && kept !== null) kept.push(slice[i]);
    }
    return kept ?? slice;
  }

  /** A room this node no longer serves: nothing to catch up. */
  forget(room: string): void {
    this.behind.delete(room);
  }
}
