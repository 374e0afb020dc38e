import { Fleet } from "./fleet";
import type { LatencySummary } from "./histogram";
import { summarize } from "./histogram";
import { metricByLabel, scrape } from "./node-metrics";

export interface ReconnectOptions {
  /**
   * `noop-ceiling`: the same storm against the bare Socket.IO baseline (its join only
   * subscribes, no game is played): the yardstick for how long the generator itself needs.
   */
  readonly target?: "bingo" | "noop-ceiling";
  readonly redisUrl: string;
  readonly players: number;
  readonly nodes: number;
  readonly workers: number;
  /** NODE_OPTIONS for the nodes (bench --node-options). */
  readonly nodeOptions?: string;
  /** Settings for this server's nodes (bench --node-env), e.g. { MAX_HANDSHAKES: "1000" }. */
  readonly nodeSettings?: Readonly<Record<string, string>>;
  /** Kill -9 the first node instead of dropping every client: its players reconnect to the others. */
  readonly killNode: boolean;
  /** Balls drawn before the storm, so the rejoined snapshots have a round to agree on. */
  readonly draws: number;
  /** Told each step, so a long run shows where it is. */
  readonly progress?: (line: string) => void;
}

export interface ReconnectResult {
  readonly scenario: "reconnect-storm";
  readonly target: "bingo" | "noop-ceiling";
  readonly mode: "all-clients" | "node-killed";
  readonly players: number;
  readonly nodes: number;
  readonly connected: number;
  readonly dropped: number;
  readonly reconnected: number;
  readonly failed: number;
  /** Connection attempts per dropped client (1 = every first attempt worked). */
  readonly attemptsPerClient: number;
  /** From the drop (or the kill) until the last client had joined again. */
  readonly secondsUntilAllRejoined: number;
  readonly latencyMs: LatencySummary;
  /** Rejoined clients whose snapshot (phase, slots, round) differs from the host's, or lists other cards than they were granted. */
  readonly inconsistentStates: number;
  readonly cardMismatches: number;
  /** Failed attempts by what failed, as the clients saw them (RejoinReport.failedAttempts). */
  readonly failedAttempts: Record<string, number>;
  /**
   * What the nodes that stayed up counted at the end: connections they closed themselves
   * (`bingo_connections_cut_total`, by reason) and connects they refused (`bingo_connections_refused_total`,
   * by code). Null for the baselines, which count nothing.
   */
  readonly nodeCounters: {
    readonly cut: Record<string, number>;
    readonly refused: Record<string, number>;
    /** WebSocket upgrades the nodes read, and how many of them had waited for the node over 10 s and over 20 s since their TCP accept (`bingo_upgrade_wait_seconds`). */
    readonly upgrades?: { readonly read: number; readonly over10s: number; readonly over20s: number };
  } | null;
  /** A few of them described (see RejoinReport). */
  readonly cardMismatchExamples: readonly string[];
  /** The setup's claims, one per player: cards granted, refusals by code, claims without an answer, and claims settled after an OUTCOME_UNKNOWN. */
  readonly setupClaims: { readonly granted: number; readonly refusals: Record<string, number>; readonly lost: number; readonly settledUnknown: number };
  readonly expectedState: string;
}

/**
 * Every player claims a card and the round has started with a few balls; then all clients
 * drop and reconnect at once (or one node is killed with SIGKILL and its clients move to the
 * others). Each rejoin's snapshot must match the authoritative state.
 */
export async function runReconnectStorm(o: ReconnectOptions): Promise<ReconnectResult> {
  const step = o.progress ?? ((): void => undefined);
  const target = o.target ?? "bingo";
  const baseline = target !== "bingo";
  const fleet = await Fleet.start({ ...o, target, totalSlots: o.players, maxPerPlayer: 1 });
  const setupClaims = { granted: 0, refusals: {} as Record<string, number>, lost: 0, settledUnknown: 0 };
  step(`connected ${fleet.connected} (${fleet.connectFailed} failed) in ${fleet.connectSeconds.toFixed(1)} s`);
  try {
    if (!baseline) {
      const host = fleet.hostClient;
      const { gameId } = fleet;
      const opened = await host.openClaims({ gameId, totalSlots: fleet.connected, maxPerPlayer: 1 });
      if (!opened.ok) throw new Error(`open: ${opened.error.code}`);
      const claims = (await fleet.ask({ type: "claim", count: 1, repeatEvery: 0 }, "claimed")).map((m) => m.report);
      for (const c of claims) {
        setupClaims.granted += c.grants.length / 2;
        setupClaims.lost += c.lost;
        setupClaims.settledUnknown += c.settledUnknown;
        for (const [code, n] of Object.entries(c.refusals)) setupClaims.refusals[code] = (setupClaims.refusals[code] ?? 0) + n;
      }
      step(`claimed: ${setupClaims.granted} granted, ${setupClaims.lost} without an answer, ${setupClaims.settledUnknown} settled after OUTCOME_UNKNOWN, refused ${JSON.stringify(setupClaims.refusals)}`);
      const started = await host.startRound(gameId);
      if (!started.ok) throw new Error(`round:start: ${started.error.code}`);
      for (let i = 0; i < o.draws; i++) {
        await fleet.draw();
      }
      step(`round started, ${o.draws} balls drawn`);
    }

    step("dropping");
    const urls = fleet.nodes.map((n) => n.url);
    const since = Date.now();
    if (o.killNode) {
      await fleet.ask({ type: "drop", mode: { kind: "node-loss", lostUrl: urls[0], urls: urls.slice(1), baseline } }, "dropping");
      fleet.nodes[0].child.kill("SIGKILL");
    } else {
      await fleet.ask({ type: "drop", mode: { kind: "all", urls, baseline } }, "dropping");
    }
    step("dropped; waiting for every rejoin");
    const reports = (await fleet.ask({ type: "rejoin-report" }, "rejoin-report")).map((m) => m.report);

    let expectedState = "";
    if (!baseline) {
      const joined = await fleet.hostClient.join(fleet.gameId);
      if (!joined.ok) throw new Error(`join: ${joined.error.code}`);
      const { phase, slots, round } = joined.game;
      expectedState = `${phase} slots ${slots.remaining}/${slots.total} v${slots.version} draws ${round.draws.length} round v${round.version}`;
    }
    const sum = (f: (r: (typeof reports)[number]) => number): number => reports.reduce((n, r) => n + f(r), 0);
    const failedAttempts: Record<string, number> = {};
    for (const r of reports) for (const [what, n] of Object.entries(r.failedAttempts)) failedAttempts[what] = (failedAttempts[what] ?? 0) + n;
    let nodeCounters: ReconnectResult["nodeCounters"] = null;
    if (!baseline) {
      const cut: Record<string, number> = {};
      const refused: Record<string, number> = {};
      const waits: Record<string, number> = {};
      for (const page of await Promise.all(fleet.nodes.slice(o.killNode ? 1 : 0).map((node) => scrape(node.url)))) {
        metricByLabel(page, "bingo_connections_cut_total", "reason", cut);
        metricByLabel(page, "bingo_connections_refused_total", "code", refused);
        metricByLabel(page, "bingo_upgrade_wait_seconds_bucket", "le", waits);
      }
      const read = waits["+Inf"] ?? 0;
      nodeCounters = { cut, refused, upgrades: { read, over10s: read - (waits["10"] ?? 0), over20s: read - (waits["20"] ?? 0) } };
    }
    for (const example of reports.flatMap((r) => r.cardMismatchExamples).slice(0, 10)) step(`card list differing: ${example}`);
    const rejoined = sum((r) => r.rejoined);
    return {
      scenario: "reconnect-storm",
      target,
      mode: o.killNode ? "node-killed" : "all-clients",
      players: o.players,
      nodes: o.nodes,
      connected: fleet.connected,
      dropped: sum((r) => r.dropped),
      reconnected: rejoined,
      failed: sum((r) => r.failed),
      attemptsPerClient: Math.round((sum((r) => r.attempts) / Math.max(1, sum((r) => r.dropped))) * 100) / 100,
      secondsUntilAllRejoined: Math.round((Math.max(...reports.map((r) => r.lastRejoinedAt)) - since) / 100) / 10,
      latencyMs: summarize(reports.map((r) => r.latency)),
      inconsistentStates: baseline ? 0 : rejoined - sum((r) => r.states[expectedState] ?? 0),
      failedAttempts,
      nodeCounters,
      cardMismatches: sum((r) => r.cardMismatches),
      cardMismatchExamples: reports.flatMap((r) => r.cardMismatchExamples).slice(0, 10),
      setupClaims,
      expectedState,
    };
  } finally {
    await fleet.close();
  }
}
