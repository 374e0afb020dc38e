/**
 * The capacity model: from the costs one bench run measured (node CPU per claim and per
 * delivered message, Redis CPU per claim and per draw, sockets held per node) to the nodes
 * and Redis a large game needs, and which limit binds first. Every figure comes from the
 * bench JSON; only the goals (players, latency, storm length) are chosen here.
 */
import { readFileSync } from "node:fs";
import type { BenchResults } from "./results";

export interface CapacityGoals {
  readonly players: number;
  /** A broadcast must reach every socket of a node within this (draw and slots p99 target). */
  readonly deliveryMs: number;
  /** The claim storm of every player should be resolved within this. */
  readonly stormSeconds: number;
  /** `slots` broadcasts per room per second at most (1000 / SLOTS_MIN_INTERVAL_MS). */
  readonly slotsPerSecond: number;
  /** The broadcast budget (SLOTS_BROADCAST_PERCENT): `slots` slow down to fit it, down to once a second. */
  readonly slotsBudgetPercent: number;
}

export const DEFAULT_GOALS: CapacityGoals = { players: 200_000, deliveryMs: 300, stormSeconds: 10, slotsPerSecond: 5, slotsBudgetPercent: 10 };

/**
 * `slots` broadcasts per second a room of `sockets` local sockets gets under the broadcast
 * budget (as the tick loop paces them): as many as fit the budget, between 1 (the count at
 * least once a second) and the floor's rate.
 */
export function slotsRate(sockets: number, deliveryUs: number, goals: CapacityGoals): number {
  const broadcastMs = (sockets * deliveryUs) / 1000;
  const fit = broadcastMs > 0 ? (goals.slotsBudgetPercent * 10) / broadcastMs : Infinity;
  return Math.max(1, Math.min(goals.slotsPerSecond, fit));
}

const n = (v: number, digits = 0): string => v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** This process's open-files limit: each socket is one file. */
function openFilesLimit(): number | null {
  try {
    const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files"));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    return Number.isFinite(soft) ? soft : null;
  } catch {
    return null;
  }
}

export function capacityMarkdown(r: BenchResults, goals: CapacityGoals = DEFAULT_GOALS): string {
  const storm = r.claimStorm.find((s) => s.target === "bingo");
  const fanout = r.drawFanout;
  if (!storm || !fanout) return "_The capacity model needs a claim storm and a draw fan-out in the same run (`--scenarios claim-storm,draw-fanout`)._";
  const G = goals.players;

  // Measured unit costs.
  const deliveryUs = fanout.nodeCpuUsPerDelivery;
  const kernel = fanout.nodeKernelShare === undefined ? "" : ` (${n(fanout.nodeKernelShare * 100)} % of it in the kernel)`;
  const stormNodeMs = storm.nodeCpuMsPerClaim * storm.acked;
  const claimNodeMs = Math.max(0, stormNodeMs - (storm.slotsMessages * deliveryUs) / 1000) / Math.max(1, storm.acked);
  const claimRedisUs = storm.redisCpuMsPerClaim * 1000;
  const drawRedisUs = fanout.redisCpuUsPerDraw;
  const heldPerNode = (storm.hold?.heldAtEnd ?? storm.connected) / r.nodes;
  const files = openFilesLimit();

  // Sockets one node may hold: a broadcast is written socket by socket on one thread.
  const byDelivery = Math.floor((goals.deliveryMs * 1000) / Math.max(0.001, deliveryUs));
  const byFiles = files ? Math.floor(files * 0.9) : Infinity;
  const perNode = Math.min(byDelivery, byFiles);
  const nodesForSockets = Math.ceil(G / perNode);

  // The storm on the nodes: each node resolves its share of claims while its slots broadcasts take their share of its thread.
  const stormSecondsOn = (nodes: number): number => {
    const sockets = G / nodes;
    const broadcastMsPerSecond = (slotsRate(sockets, deliveryUs, goals) * sockets * deliveryUs) / 1000;
    const free = 1000 - broadcastMsPerSecond;
    return free <= 0 ? Infinity : (sockets * claimNodeMs) / free;
  };
  let nodesForStorm = nodesForSockets;
  while (stormSecondsOn(nodesForStorm) > goals.stormSeconds && nodesForStorm < 10_000) nodesForStorm++;
  const nodes = Math.max(nodesForSockets, nodesForStorm);

  // Redis: one game's keys share one hash tag, so one Redis core resolves all of its claims.
  const redisStormSeconds = (G * claimRedisUs) / 1e6;
  const redisClaimsPerSecond = 1e6 / Math.max(0.001, claimRedisUs);
  const nodesStormSeconds = stormSecondsOn(nodes);
  const stormSeconds = Math.max(redisStormSeconds, nodesStormSeconds);
  const redisBinds = redisStormSeconds >= nodesStormSeconds;
  // Pub/sub: every draw and every tick's shared state is published once and delivered to every node.
  const drawRedisUsAt = (drawRedisUs / r.nodes) * nodes;

  const rows = [
    "| Quantity | Measured (this run) | For a " + n(G) + "-player game |",
    "| --- | --- | --- |",
    `| Node CPU per claim (ack, batch, store call; broadcasts excluded) | ${n(claimNodeMs, 3)} ms | ${n((G * claimNodeMs) / 1000, 1)} s of node CPU for the whole storm |`,
    `| Node CPU per delivered message (one socket write of a broadcast) | ${n(deliveryUs, 1)} µs${kernel} | one broadcast to ${n(G / nodes)} sockets per node: ${n(((G / nodes) * deliveryUs) / 1000)} ms |`,
    `| Sockets per node | ${n(heldPerNode)} held${storm.hold ? ` for ${storm.hold.seconds} s` : ""}; open-files limit ${files ? n(files) : "unknown"} | ≤ ${n(perNode)} (a broadcast within ${goals.deliveryMs} ms${byFiles < byDelivery ? "; bound by open files" : ""}) → **${n(nodesForSockets)} nodes** |`,
    `| Claim storm on the nodes | ${n(storm.claimsPerSecond)} claims/s on ${r.nodes} nodes | ${n(nodesForStorm)} nodes resolve it in ${n(stormSecondsOn(nodesForStorm), 1)} s (goal ${goals.stormSeconds} s) |`,
    `| Redis CPU per claim | ${n(claimRedisUs, 1)} µs; \`EXEC\`/claim ${storm.execPerClaim.toFixed(4)} | ${n(redisStormSeconds, 1)} s of one Redis core; ≤ ${n(redisClaimsPerSecond)} claims/s per game; ~${n(G * storm.execPerClaim)} \`EXEC\`s |`,
    `| Redis CPU per draw during the fan-out (the draw, its publish to ${r.nodes} nodes, and the nodes' background polling meanwhile) | ${n(drawRedisUs)} µs | ~${n(drawRedisUsAt)} µs with ${n(nodes)} nodes (scaled by the node count: an upper bound) |`,
  ];
  let crossover: number | null = nodes;
  while (crossover !== null && stormSecondsOn(crossover) > redisStormSeconds) crossover = crossover < 10_000 ? crossover + 1 : null;
  const bottleneck = redisBinds
    ? `**Redis's single thread for the game's hash slot** binds first: ${n(redisStormSeconds, 1)} s for the storm however many nodes there are (≤ ${n(redisClaimsPerSecond)} claims/s per game). More Redis shards help only across games; inside one game the next step is cheaper work per claim in the function.`
    : `**The nodes' socket writes** bind first (the storm takes ${n(nodesStormSeconds, 1)} s on ${n(nodes)} nodes against ${n(redisStormSeconds, 1)} s of Redis time; each node spends ${n((slotsRate(G / nodes, deliveryUs, goals) * (G / nodes) * deliveryUs) / 1000)} ms of every second writing \`slots\` to its sockets); ${crossover === null ? "adding nodes keeps helping up to 10,000 nodes" : `from about ${n(crossover)} nodes on, Redis's single thread for the game's hash slot (${n(redisClaimsPerSecond)} claims/s per game) is the limit`}.`;
  return [
    `A ${n(G)}-player game, projected from the run above (goals: a broadcast reaches every socket within ${goals.deliveryMs} ms, the claim storm of every player resolves within ${goals.stormSeconds} s, \`slots\` at most ${goals.slotsPerSecond}/s per room, fewer in big rooms to fit a ${goals.slotsBudgetPercent} % broadcast budget, at least 1/s). Regenerate with \`npm run capacity\` after \`npm run bench\`.`,
    "",
    rows.join("\n"),
    "",
    `- **Nodes:** ${n(nodes)} (one core each) and **one Redis primary** for the game (one core; a replica for failover). The storm then takes about ${n(stormSeconds, 1)} s.`,
    `- **Next bottleneck:** ${bottleneck}`,
    `- **Pub/sub fan-out:** every draw, award and tick's shared slot state is published once and delivered to every node, so Redis's publish work grows with the number of nodes: at most ${n(drawRedisUsAt / 1000, 1)} ms of Redis CPU per draw at ${n(nodes)} nodes by this run's figure (an upper bound: it also holds the nodes' background Redis work during the fan-out). It is the one Redis cost that grows with scale-out rather than with players; the sharded adapter keeps it to the nodes that have the game's room.`,
    `- **Sockets per node:** each socket is a file; a node holds at most its open-files limit, and a broadcast is written socket by socket on one thread, so the delivery goal caps a node at ${n(byDelivery)} sockets at the measured ${n(deliveryUs, 1)} µs per delivery.`,
    ...(fanout.nodeKernelShare === undefined
      ? []
      : [
          `- **Where a delivery's CPU goes:** ${n(fanout.nodeKernelShare * 100)} % of the nodes' CPU during the draw fan-out was system time, the kernel's TCP work for each socket write (on loopback it may also hold the receiving side's, which a real network does on the player's machine); only the rest, ${n(deliveryUs * (1 - fanout.nodeKernelShare), 1)} µs per delivery, is the node's own code (Socket.IO, engine.io, ws) that a cheaper engine or fewer JavaScript steps per socket could cut.`,
        ]),
    "- Caveat: costs measured on a shared machine with the load generator on the same cores include contention; a quiet machine gives lower unit costs and so fewer nodes.",
  ].join("\n");
}
