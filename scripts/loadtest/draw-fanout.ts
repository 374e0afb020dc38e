import { Fleet, redisFigures, within } from "./fleet";
import type { LatencySummary } from "./histogram";
import { summarize } from "./histogram";

export interface FanoutOptions {
  readonly redisUrl: string;
  readonly players: number;
  readonly nodes: number;
  readonly workers: number;
  /** NODE_OPTIONS for the nodes (bench --node-options). */
  readonly nodeOptions?: string;
  /** Settings for this server's nodes (bench --node-env), e.g. { MAX_HANDSHAKES: "1000" }. */
  readonly nodeSettings?: Readonly<Record<string, string>>;
  /** Balls the host draws, each once every player has the previous one (or after a wait). */
  readonly draws: number;
  /** Extra environment for the nodes (e.g. WS_NO_BUFFER_UTIL). */
  readonly nodeEnv?: Readonly<Record<string, string>>;
}

export interface FanoutResult {
  readonly scenario: "draw-fanout";
  readonly players: number;
  readonly connected: number;
  readonly draws: number;
  /** From the drawing node's emit (`at`) to each client's receipt, over every draw and player. */
  readonly latencyMs: LatencySummary;
  /** Fewest players that received any one draw, and the draws some player never received. */
  readonly fewestReceivers: number;
  readonly incompleteDraws: number;
  /** A client saw an index skipped or repeated. */
  readonly gaps: number;
  /** Server nodes' CPU time per delivered draw message (µs), for the capacity model. */
  readonly nodeCpuUsPerDelivery: number;
  /**
   * The share of that time spent in the kernel (system time, 0–1): the socket writes' TCP
   * work, which no change to the node's JavaScript can cut. Absent in results of older runs.
   */
  readonly nodeKernelShare?: number;
  /** Redis CPU per draw (µs): the draw, its publish to every node, and whatever else the nodes asked of Redis meanwhile. */
  readonly redisCpuUsPerDraw: number;
}

const WAIT_FOR_ALL_MS = 30_000;

/**
 * N players in one game across the nodes; the host draws balls by hand (on the last node,
 * so half the players hear through the Redis adapter) and waits until every worker reports
 * that all its players have each ball before drawing the next.
 */
export async function runDrawFanout(o: FanoutOptions): Promise<FanoutResult> {
  const fleet = await Fleet.start({ ...o, target: "bingo" });
  try {
    const host = fleet.hostClient;
    const started = await host.startRound(fleet.gameId);
    if (!started.ok) throw new Error(`round:start: ${started.error.code}`);
    const cpuBefore = fleet.nodeCpu();
    const redisBefore = await redisFigures(o.redisUrl);
    for (let index = 0; index < o.draws; index++) {
      const seen = fleet.all("draw-seen");
      await fleet.draw();
      await within(seen, WAIT_FOR_ALL_MS);
    }
    const cpuAfter = fleet.nodeCpu();
    const cpuMs = cpuAfter.totalMs - cpuBefore.totalMs;
    const redisAfter = await redisFigures(o.redisUrl);
    const reports = (await fleet.ask({ type: "draws-report" }, "draws-report")).map((m) => m.report);
    const perDraw = Array.from({ length: o.draws }, (_, index) => reports.reduce((n, r) => n + (r.receivedByIndex[index] ?? 0), 0));
    const latencyMs = summarize(reports.map((r) => r.latency));
    return {
      scenario: "draw-fanout",
      players: o.players,
      connected: fleet.connected,
      draws: o.draws,
      latencyMs,
      fewestReceivers: Math.min(...perDraw),
      incompleteDraws: perDraw.filter((n) => n < fleet.connected).length,
      gaps: reports.reduce((n, r) => n + r.gaps, 0),
      redisCpuUsPerDraw: Math.round(((redisAfter.cpuMs - redisBefore.cpuMs) * 1000) / o.draws),
      nodeCpuUsPerDelivery: latencyMs.count > 0 ? Math.round((cpuMs * 1000 * 100) / latencyMs.count) / 100 : 0,
      nodeKernelShare: cpuMs > 0 ? Math.round(((cpuAfter.systemMs - cpuBefore.systemMs) / cpuMs) * 100) / 100 : 0,
    };
  } finally {
    await fleet.close();
  }
}
