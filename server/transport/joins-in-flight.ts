import type { BingoSocket } from "./socket-types";

interface InFlight {
  count: number;
  /** Settles once every join tracked so far has settled. */
  settled: Promise<void>;
}

const ignore = (): void => undefined;

/**
 * The `game:join`s each socket has in flight, so an `app:state` the socket sends after a
 * join is written after the join. A join's directory write says "foreground" (the socket
 * carries the updates again); a join waits up to a tick for its game's batch (JoinBatcher),
 * and an app sent to the background meanwhile (typically while the SDK rejoins after a
 * reconnect) would otherwise have its word overwritten by the join and get no pushes. The
 * app's latest word wins, as it does for words said while the batch is being written
 * (PlayerDirectory.joinedMany). An entry goes with the socket (WeakMap) and is dropped as
 * soon as its joins have settled, so memory follows the joins in flight, which the event
 * limits bound.
 */
export class JoinsInFlight {
  private readonly bySocket = new WeakMap<BingoSocket, InFlight>();

  /** Tracks a join of the socket until it settles; returns it unchanged. */
  track<T>(socket: BingoSocket, join: Promise<T>): Promise<T> {
    const done = join.then(ignore, ignore);
    const known = this.bySocket.get(socket);
    const entry: InFlight = known ?? { count: 0, settled: Promise.resolve() };
    entry.count++;
    entry.settled = known ? Promise.all([known.settled, done]).then(ignore) : done;
    this.bySocket.set(socket, entry);
    void done.then(() => {
      if (--entry.count === 0 && this.bySocket.get(socket) === entry) this.bySocket.delete(socket);
    });
    return join;
  }

  /** Settles once every join the socket has in flight now has settled; undefined when it has none. */
  settled(socket: BingoSocket): Promise<void> | undefined {
    return this.bySocket.get(socket)?.settled;
  }
}
