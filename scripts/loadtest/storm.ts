import type { Target } from "./fleet";
import { Fleet, redisFigures } from "./fleet";
import type { LatencySummary } from "./histogram";
import { summarize } from "./histogram";
import type { ClaimReport, JoinReport } from "./protocol";

export type { Target };

export interface StormOptions {
  readonly target: Target;
  readonly redisUrl: string;
  readonly players: number;
  readonly nodes: number;
  readonly workers: number;
  /** NODE_OPTIONS for the nodes (bench --node-options). */
  readonly nodeOptions?: string;
  /** Settings for this server's nodes (bench --node-env), e.g. { MAX_HANDSHAKES: "1000" }. */
  readonly nodeSettings?: Readonly<Record<string, string>>;
  readonly totalSlots: number;
  readonly maxPerPlayer: number;
  /** Cards each player asks for. */
  readonly count: number;
  /** Every n-th player repeats its claim with the same requestId (0: none). */
  readonly repeatEvery: number;
  /** Hold every connection this long before the storm, and count what was lost (0: no hold). */
  readonly holdSeconds?: number;
  /** Extra environment for this server's nodes (e.g. WS_NO_BUFFER_UTIL). */
  readonly nodeEnv?: Readonly<Record<string, string>>;
  /** After the storm, every player sends `game:join` at once (the join storm's figures). */
  readonly joinStorm?: boolean;
}

/** Every connected player joining the game at once, after the claim storm. */
export interface JoinStormResult {
  readonly players: number;
  /** Joins answered; `ok`: answered with the game's snapshot (a baseline only subscribes). */
  readonly answered: number;
  readonly ok: number;
  readonly lost: number;
  readonly seconds: number;
  readonly latencyMs: LatencySummary;
  /** Players that did not hold the claim storm's last count when the joins began (the wait for it timed out). */
  readonly unsettled: number;
}

export interface HoldResult {
  readonly seconds: number;
  readonly heldAtEnd: number;
  readonly unexpectedDisconnects: number;
}

export interface StormResult {
  readonly target: Target;
  readonly players: number;
  readonly connected: number;
  readonly connectSeconds: number;
  readonly hold: HoldResult | null;
  readonly acked: number;
  readonly lost: number;
  /** Claims first answered OUTCOME_UNKNOWN, settled by repeating them as the SDK does. */
  readonly settledUnknown: number;
  readonly seconds: number;
  readonly claimsPerSecond: number;
  readonly latencyMs: LatencySummary;
  /** From a node's `slots` emit to each client's receipt (this server stamps `at`; baselines too). */
  readonly slotsLatencyMs: LatencySummary;
  readonly granted: number;
  readonly totalSlots: number;
  readonly oversold: number;
  readonly duplicateCards: number;
  readonly overLimitPlayers: number;
  readonly contradictions: number;
  readonly fluctuations: number;
  readonly slotsMessages: number;
  readonly execPerClaim: number;
  readonly redisCommandsPerClaim: number;
  readonly redisCpuMsPerClaim: number;
  /** Server nodes' CPU time per claim acked (ms), acks and broadcasts included. */
  readonly nodeCpuMsPerClaim: number;
  /** [ms since the storm began, remaining] as one player saw it. */
  readonly remainingSeries: [number, number][];
  /** [ms since the storm began, claims acked in that 100 ms bucket ×10 = per second]. */
  readonly claimsPerSecondSeries: [number, number][];
  /** The join storm after the claim storm, when asked for. */
  readonly joins?: JoinStormResult;
}

/**
 * One claim storm: N players spread over the target's nodes (held by several worker
 * processes), all claiming the moment claims open, for fewer slots than they want.
 * Correctness is counted at the clients; Redis work is read from INFO.
 */
export async function runClaimStorm(o: StormOptions): Promise<StormResult> {
  const fleet = await Fleet.start(o);
  try {
    const hold = o.holdSeconds ? await holdConnections(fleet, o.holdSeconds) : null;
    if (fleet.host) {
      const opened = await fleet.host.openClaims({ gameId: fleet.gameId, totalSlots: o.totalSlots, maxPerPlayer: o.maxPerPlayer });
      if (!opened.ok) throw new Error(`open: ${opened.error.code}`);
    }
    const before = await redisFigures(o.redisUrl);
    const cpuBefore = fleet.nodeCpuMs();
    const startedAt = Date.now();
    const started = performance.now();
    const reports = (await fleet.ask({ type: "claim", count: o.count, repeatEvery: o.repeatEvery }, "claimed")).map((m) => m.report);
    const seconds = (performance.now() - started) / 1000;
    const after = await redisFigures(o.redisUrl);
    const nodeCpuMs = fleet.nodeCpuMs() - cpuBefore;
    const result = tally(o, fleet, reports, { seconds, startedAt, nodeCpuMs }, hold, before, after);
    return o.joinStorm ? { ...result, joins: await joinStorm(fleet) } : result;
  } finally {
    await fleet.close();
  }
}

/**
 * Every connected player sends `game:join` at once, as after a show's link goes out or an
 * app comes back to the foreground: the joins of one tick share one store read. On this
 * server, once every player holds the claim storm's last count (read by the host), so the
 * joins do not share the nodes with that count's broadcast: the no-op server has none.
 */
async function joinStorm(fleet: Fleet): Promise<JoinStormResult> {
  let unsettled = 0;
  if (fleet.host) {
    const last = await fleet.host.join(fleet.gameId);
    if (!last.ok) throw new Error(`host join: ${last.error.code}`);
    unsettled = (await fleet.ask({ type: "settle", version: last.game.slots.version }, "settled")).reduce((n, m) => n + m.lacking, 0);
  }
  const started = performance.now();
  const reports = (await fleet.ask({ type: "join-all" }, "joined-all")).map((m) => m.report);
  const seconds = (performance.now() - started) / 1000;
  const sum = (f: (r: JoinReport) => number): number => reports.reduce((n, r) => n + f(r), 0);
  return {
    players: fleet.connected,
    answered: sum((r) => r.answered),
    ok: sum((r) => r.ok),
    lost: sum((r) => r.lost),
    seconds: Math.round(seconds * 100) / 100,
    latencyMs: summarize(reports.map((r) => r.latency)),
    unsettled,
  };
}

/** Keeps the connections open (nothing sent) and counts the ones lost meanwhile. */
export async function holdConnections(fleet: Fleet, seconds: number): Promise<HoldResult> {
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const status = await fleet.ask({ type: "status" }, "status");
  return {
    seconds,
    heldAtEnd: status.reduce((n, s) => n + s.connected, 0),
    unexpectedDisconnects: status.reduce((n, s) => n + s.unexpectedDisconnects, 0),
  };
}

function tally(
  o: StormOptions,
  fleet: Fleet,
  reports: ClaimReport[],
  { seconds, startedAt, nodeCpuMs }: { seconds: number; startedAt: number; nodeCpuMs: number },
  hold: HoldResult | null,
  before: { exec: number; calls: number; cpuMs: number },
  after: { exec: number; calls: number; cpuMs: number },
): StormResult {
  const acked = reports.reduce((n, r) => n + r.acked, 0);
  const owners = new Map<number, number>();
  const held = new Map<number, number>();
  let duplicateCards = 0;
  for (const r of reports) {
    for (let i = 0; i < r.grants.length; i += 2) {
      const [player, card] = [r.grants[i], r.grants[i + 1]];
      if (owners.has(card) && owners.get(card) !== player) duplicateCards++;
      owners.set(card, player);
      held.set(player, (held.get(player) ?? 0) + 1);
    }
  }
  const granted = owners.size;
  const sum = (f: (r: ClaimReport) => number): number => reports.reduce((n, r) => n + f(r), 0);
  return {
    target: o.target,
    players: o.players,
    connected: fleet.connected,
    connectSeconds: Math.round(fleet.connectSeconds * 10) / 10,
    hold,
    acked,
    lost: sum((r) => r.lost),
    settledUnknown: sum((r) => r.settledUnknown),
    seconds: Math.round(seconds * 100) / 100,
    claimsPerSecond: Math.round(acked / seconds),
    latencyMs: summarize(reports.map((r) => r.latency)),
    slotsLatencyMs: summarize(reports.map((r) => r.slotsLatency)),
    granted,
    totalSlots: o.totalSlots,
    oversold: Math.max(0, granted - o.totalSlots),
    duplicateCards,
    overLimitPlayers: [...held.values()].filter((n) => n > o.maxPerPlayer).length,
    contradictions: sum((r) => r.contradictions),
    fluctuations: sum((r) => r.fluctuations),
    slotsMessages: sum((r) => r.slotsMessages),
    execPerClaim: acked > 0 ? (after.exec - before.exec) / acked : 0,
    redisCommandsPerClaim: acked > 0 ? (after.calls - before.calls) / acked : 0,
    redisCpuMsPerClaim: acked > 0 ? (after.cpuMs - before.cpuMs) / acked : 0,
    nodeCpuMsPerClaim: acked > 0 ? nodeCpuMs / acked : 0,
    remainingSeries: (reports[0]?.remainingSeries ?? []).map(([t, remaining]) => [t - startedAt, remaining]),
    claimsPerSecondSeries: rateSeries(reports.flatMap((r) => r.ackTimes), startedAt),
  };
}

/** Acks per 100 ms bucket, scaled to a per-second rate. */
function rateSeries(ackTimes: number[], startedAt: number): [number, number][] {
  const buckets: number[] = [];
  for (const t of ackTimes) {
    const b = Math.max(0, Math.floor((t - startedAt) / 100));
    buckets[b] = (buckets[b] ?? 0) + 1;
  }
  return Array.from(buckets, (n, b) => [b * 100, (n ?? 0) * 10]);
}
