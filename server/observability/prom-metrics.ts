import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ErrorCode } from "../../shared/protocol";
import type { ClaimBatchReply } from "../domain/claim-batch";
import { ClaimStatus, REFUSAL_BY_STATUS, cardsGranted, claimStatus } from "../domain/claim-batch";
import type { CutReason, LimitScope, Metrics, PushSuppression } from "../ports/metrics";

/** Figures read when Prometheus scrapes, not counted as they change. */
export interface MetricProbes {
  /** Sockets connected to this node. */
  sockets(): number;
  /** Games with a room on this node. */
  rooms(): number;
  /** Push outbox entries not yet sent (waiting or in hand), over every node; null when unknown. */
  outboxDepth(): Promise<number | null>;
  /** How many games each per-game part of the node keeps something for (see IdleGameSweeper). */
  gameState?(): Record<string, number>;
  /** Age (ms) of the oldest outbox entry not yet sent, over every node; null when none or unknown. */
  outboxOldestAgeMs?(): Promise<number | null>;
  /** Registered push tokens per platform, store-wide (PlayerDirectory.tokensByPlatform). */
  pushTokens?(): Promise<Record<string, number>>;
  /** The WebSocket implementation writing this node's sockets (ws, ws-native). */
  wsEngine?(): string;
}

const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Up to and past the clients' connect timeout (45 s in the SDK, 20 s in a bare socket.io-client). */
const UPGRADE_WAIT_SECONDS = [0.01, 0.1, 0.5, 1, 2.5, 5, 10, 15, 20, 30, 45, 60];
const BATCH_SIZES = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000, 10_000];

/**
 * The node's metrics on its own prom-client Registry (never the global one: tests run
 * several apps in one process), with Node's default process metrics (event loop lag, GC,
 * heap, CPU) and a `node` label on every series.
 */
export class PromMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly tickSeconds: Histogram;
  private readonly batchSize: Histogram<"kind">;
  private readonly storeSeconds: Histogram;
  private readonly granted: Counter;
  private readonly cardsGranted: Counter;
  private readonly rejected: Counter<"code">;
  private readonly broadcastSeconds: Histogram<"event">;
  private readonly draws: Counter;
  private readonly limited: Counter<"scope">;
  private readonly refusedConnections: Counter<"code">;
  private readonly cutConnections: Counter<"reason">;
  private readonly upgradeWaitSeconds: Histogram;
  private readonly pushes: Counter;
  private readonly pushFailures: Counter<"reason">;
  private readonly pushSuppressions: Counter<"reason">;
  private readonly pushDeadLetters: Counter;
  private readonly pushTakeovers: Counter;
  private readonly pushLatencySeconds: Histogram;
  /** Refusals per status of one reply, reused batch after batch. */
  private readonly tally = new Array<number>(REFUSAL_BY_STATUS.length).fill(0);

  constructor(nodeId: string, probes: MetricProbes) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ node: nodeId });
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: "bingo_connected_sockets",
      help: "Sockets connected to this node.",
      registers,
      collect() {
        this.set(probes.sockets());
      },
    });
    new Gauge({
      name: "bingo_rooms",
      help: "Games with a room (at least one member) on this node.",
      registers,
      collect() {
        this.set(probes.rooms());
      },
    });
    new Gauge({
      name: "bingo_node_game_state",
      help: "Games each per-game part of this node keeps state for (engine rooms, rules, auto-draw, live figures, push counts); let go when no local socket is in the game.",
      labelNames: ["kind"],
      registers,
      collect() {
        for (const [kind, games] of Object.entries(probes.gameState?.() ?? {})) this.set({ kind }, games);
      },
    });
    new Gauge({
      name: "bingo_ws_engine",
      help: "1 for the WebSocket implementation writing this node's sockets: ws, or ws-native (ws with bufferutil loaded).",
      labelNames: ["engine"],
      registers,
      collect() {
        if (probes.wsEngine) this.set({ engine: probes.wsEngine() }, 1);
      },
    });
    new Gauge({
      name: "bingo_push_outbox_depth",
      help: "Push outbox entries not yet sent: waiting, or taken by a node and not finished (all nodes).",
      registers,
      async collect() {
        const depth = await probes.outboxDepth().catch(() => null);
        // Unknown (store away): leave the series out rather than report a made-up 0.
        if (depth === null) this.reset();
        else this.set(depth);
      },
    });
    this.tickSeconds = new Histogram({
      name: "bingo_tick_duration_seconds",
      help: "One tick: every game's store call and the slot emits after them.",
      buckets: SECONDS,
      registers,
    });
    this.batchSize = new Histogram({
      name: "bingo_tick_batch_size",
      help: "Entries in one game's store call: card claims (kind=claims) or bingo calls (kind=calls).",
      labelNames: ["kind"],
      buckets: BATCH_SIZES,
      registers,
    });
    this.storeSeconds = new Histogram({
      name: "bingo_store_commit_seconds",
      help: "One game's tick batch in the store (on Redis: the one MULTI/EXEC round trip).",
      buckets: SECONDS,
      registers,
    });
    this.granted = new Counter({ name: "bingo_claims_granted_total", help: "Card claims granted (at least one card).", registers });
    this.cardsGranted = new Counter({ name: "bingo_cards_granted_total", help: "Cards granted by claims.", registers });
    this.rejected = new Counter({
      name: "bingo_claims_rejected_total",
      help: "Card claims answered with an error, by code (after the payload was valid).",
      labelNames: ["code"],
      registers,
    });
    this.broadcastSeconds = new Histogram({
      name: "bingo_broadcast_seconds",
      help: "One emit to a game's room: writing it to this node's sockets (and handing it to the adapter).",
      labelNames: ["event"],
      buckets: SECONDS,
      registers,
    });
    this.draws = new Counter({ name: "bingo_draws_total", help: "Balls drawn by this node.", registers });
    this.limited = new Counter({
      name: "bingo_rate_limited_total",
      help: "Client events over a token bucket (scope=socket or player), answered RATE_LIMITED or dropped.",
      labelNames: ["scope"],
      registers,
    });
    this.refusedConnections = new Counter({
      name: "bingo_connections_refused_total",
      help: "Connections refused at connect, by code (UNAVAILABLE: node full; FORBIDDEN: origin; UNAUTHORIZED: token; RATE_LIMITED: the player has MAX_SOCKETS_PER_PLAYER sockets).",
      labelNames: ["code"],
      registers,
    });
    this.cutConnections = new Counter({
      name: "bingo_connections_cut_total",
      help: "Connections the node closed itself, by reason (send-buffer: the client did not read; rate-abuse: kept over its rate limit; handshake-timeout; handshakes-busy: an upgrade turned away while MAX_HANDSHAKES were in progress; over-capacity: TCP over the hard cap).",
      labelNames: ["reason"],
      registers,
    });
    this.upgradeWaitSeconds = new Histogram({
      name: "bingo_upgrade_wait_seconds",
      help: "How long a WebSocket upgrade waited for the node: from its TCP connection's accept to the node reading the upgrade request. Near the clients' connect timeout (45 s in the SDK, 20 s in a bare socket.io-client), the node is working on clients that have given up. Time in the kernel's accept queue, before the accept, is not in it.",
      buckets: UPGRADE_WAIT_SECONDS,
      registers,
    });
    this.pushes = new Counter({ name: "bingo_push_sent_total", help: "Push messages the sender (FCM) accepted.", registers });
    this.pushFailures = new Counter({
      name: "bingo_push_failed_total",
      help: "Push message attempts that failed, by reason (dead-token, transient: retried, refused, error: the send threw).",
      labelNames: ["reason"],
      registers,
    });
    this.pushSuppressions = new Counter({
      name: "bingo_push_suppressed_total",
      help: "Pushes not queued or not sent because they no longer described the game (stale count, duplicate phase, superseded before sending).",
      labelNames: ["reason"],
      registers,
    });
    new Gauge({
      name: "bingo_push_outbox_oldest_age_seconds",
      help: "Age of the oldest push outbox entry not yet sent (waiting, or taken and not finished), over every node; 0 when none.",
      registers,
      async collect() {
        const age = probes.outboxOldestAgeMs ? await probes.outboxOldestAgeMs().catch(() => null) : null;
        this.set((age ?? 0) / 1000);
      },
    });
    new Gauge({
      name: "bingo_push_tokens",
      help: "Registered push tokens per platform, over every node (registered within PUSH_TOKEN_TTL_DAYS and not dropped).",
      labelNames: ["platform"],
      registers,
      async collect() {
        const counts = probes.pushTokens ? await probes.pushTokens().catch(() => null) : null;
        // Unknown (the store is out of reach): no series rather than a false zero.
        this.reset();
        if (counts) for (const [platform, count] of Object.entries(counts)) this.set({ platform }, count);
      },
    });
    this.pushDeadLetters = new Counter({
      name: "bingo_push_dead_letters_total",
      help: "Push outbox entries that exhausted their retries and went to the dead letters (bingo:push:dead).",
      registers,
    });
    this.pushTakeovers = new Counter({
      name: "bingo_push_takeovers_total",
      help: "Push outbox entries this node took over from a node that stopped renewing them.",
      registers,
    });
    this.pushLatencySeconds = new Histogram({
      name: "bingo_push_latency_seconds",
      help: "From a game event to the first push of it FCM accepted.",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.zeroes();
  }

  /** Series that exist before their first event, so a dashboard shows 0, not "no data". */
  private zeroes(): void {
    for (const code of ["SOLD_OUT", "LIMIT_REACHED", "CLAIMS_CLOSED", "RATE_LIMITED", "UNAVAILABLE", "OUTCOME_UNKNOWN"] as const) this.rejected.inc({ code }, 0);
    for (const scope of ["socket", "player"] as const) this.limited.inc({ scope }, 0);
    for (const reason of ["dead-token", "transient", "invalid-argument", "payload", "refused", "error"]) this.pushFailures.inc({ reason }, 0);
    for (const reason of ["stale", "duplicate-phase", "superseded"]) this.pushSuppressions.inc({ reason }, 0);
    for (const code of ["UNAVAILABLE", "FORBIDDEN", "UNAUTHORIZED", "RATE_LIMITED"] as const) this.refusedConnections.inc({ code }, 0);
    for (const reason of ["send-buffer", "rate-abuse", "handshake-timeout", "handshakes-busy", "over-capacity"] as const) this.cutConnections.inc({ reason }, 0);
  }

  /** The Prometheus text exposition of every series. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  tick(seconds: number): void {
    this.tickSeconds.observe(seconds);
  }

  batch(claims: number, calls: number, storeSeconds: number): void {
    if (claims > 0) this.batchSize.observe({ kind: "claims" }, claims);
    if (calls > 0) this.batchSize.observe({ kind: "calls" }, calls);
    this.storeSeconds.observe(storeSeconds);
  }

  claimsAnswered(reply: ClaimBatchReply, count: number): void {
    const tally = this.tally;
    let granted = 0;
    let cards = 0;
    for (let i = 0; i < count; i++) {
      const status = claimStatus(reply, i);
      if (status === ClaimStatus.GRANTED) {
        granted++;
        cards += cardsGranted(reply, i);
      } else tally[status < tally.length ? status : 0]++;
    }
    if (granted > 0) this.granted.inc(granted);
    if (cards > 0) this.cardsGranted.inc(cards);
    for (let status = 0; status < tally.length; status++) {
      if (tally[status] === 0) continue;
      this.rejected.inc({ code: REFUSAL_BY_STATUS[status] }, tally[status]);
      tally[status] = 0;
    }
  }

  claimsRefused(code: ErrorCode, count: number): void {
    if (count > 0) this.rejected.inc({ code }, count);
  }

  broadcast(event: string, seconds: number): void {
    this.broadcastSeconds.observe({ event }, seconds);
  }

  drawn(): void {
    this.draws.inc();
  }

  rateLimited(scope: LimitScope): void {
    this.limited.inc({ scope });
  }

  connectionRefused(code: ErrorCode): void {
    this.refusedConnections.inc({ code });
  }

  connectionCut(reason: CutReason): void {
    this.cutConnections.inc({ reason });
  }

  upgradeWait(seconds: number): void {
    this.upgradeWaitSeconds.observe(seconds);
  }

  pushSent(count: number): void {
    if (count > 0) this.pushes.inc(count);
  }

  pushDeadLettered(): void {
    this.pushDeadLetters.inc();
  }

  pushTakenOver(): void {
    this.pushTakeovers.inc();
  }

  pushLatency(seconds: number): void {
    this.pushLatencySeconds.observe(seconds);
  }

  pushSuppressed(reason: PushSuppression): void {
    this.pushSuppressions.inc({ reason });
  }

  pushFailed(reason: string, count: number): void {
    if (count > 0) this.pushFailures.inc({ reason }, count);
  }
}
