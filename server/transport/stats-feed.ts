import type { PerGameState } from "../game/idle-games";
import { LiveStats } from "../game/live-stats";
import type { Clock } from "../ports/clock";
import type { BingoServer } from "./socket-types";
import { gameOfRoom, hostsOf } from "./socket-types";

const EVERY_MS = 1000;

/**
 * Once a second: this node's figures for each game it has a room for go to the other nodes
 * (`stats:node`), and the sum over nodes goes to the game's hosts connected here.
 */
export function startStatsFeed(io: BingoServer, nodeId: string, multiNode: boolean, clock: Clock) {
  const stats = new LiveStats();
  io.on("stats:node", (gameId, from, connected, claims, largestBatch) => stats.record(gameId, from, { connected, claims, largestBatch }, clock.now()));
  const report = (): void => {
    const rooms = io.of("/").adapter.rooms;
    const now = clock.now();
    for (const [room, members] of rooms) {
      const gameId = gameOfRoom(room);
      if (!gameId) continue;
      const mine = stats.takeOwn(gameId, members.size - hostsIn(members, rooms.get(hostsOf(gameId))));
      stats.record(gameId, nodeId, mine, now);
      if (multiNode) io.serverSideEmit("stats:node", gameId, nodeId, mine.connected, mine.claims, mine.largestBatch);
      const total = stats.total(gameId, now);
      if (total && rooms.has(hostsOf(gameId))) io.local.to(hostsOf(gameId)).emit("game:stats", total);
    }
  };
  const timer = setInterval(report, EVERY_MS);
  timer.unref();
  return {
    count: (gameId: string, claims: number): void => stats.count(gameId, claims),
    /** Figures are only read for games with a local room: the others are let go. */
    state: {
      kind: "liveStats",
      games: () => stats.games(),
      size: () => stats.games().size,
      release: (gameId: string) => stats.forget(gameId),
    } satisfies PerGameState,
    stop: (): void => clearInterval(timer),
  };
}

/**
 * The game's hosts among a room's sockets: they are not players, so "connected" leaves them
 * out. Walks the hosts' room (a few sockets), never the players'.
 */
function hostsIn(members: ReadonlySet<string>, hosts: ReadonlySet<string> | undefined): number {
  let count = 0;
  if (hosts) for (const id of hosts) if (members.has(id)) count++;
  return count;
}
