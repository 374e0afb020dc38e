import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { Server } from "socket.io";
import type { ServerOptions } from "socket.io";
import { ClaimEngine } from "./claims/claim-engine";
import type { TickFanout } from "./claims/claim-engine";
import type { Config } from "./config";
import { GameCatalog } from "./game/game-rules";
import { IdleGameSweeper } from "./game/idle-games";
import { PUSH_RETRY_DELAYS_MS, PushDispatcher } from "./push/push-dispatcher";
import { PushEvents } from "./push/push-events";
import type { PlayerDirectory, PushGate, PushOutbox } from "./ports/push-ports";
import type { PushSender } from "./ports/push-sender";
import { publicRecord } from "./game/public-record";
import type { RoundAnnouncer } from "./game/round-conductor";
import { RoundConductor } from "./game/round-conductor";
import { createHttpHandler } from "./http/http-routes";
import { OriginPolicy } from "./http/origins";
import { webRoot } from "./http/static-files";
import { PromMetrics } from "./observability/prom-metrics";
import { countedSender } from "./push/counted-sender";
import type { Clock } from "./ports/clock";
import { systemClock } from "./ports/clock";
import type { GameStore } from "./ports/game-store";
import { ConnectionGate } from "./transport/connection-gate";
import { EventLimits } from "./transport/event-limits";
import { createHandlers } from "./transport/handlers";
import { SendBufferWatch } from "./transport/send-buffer";
import { attachGateway, cutAndCount } from "./transport/socket-gateway";
import type { BingoServer } from "./transport/socket-types";
import { gameOfRoom, hostsOf, roomOf } from "./transport/socket-types";
import { startStatsFeed } from "./transport/stats-feed";
import { watchSessionExpiry } from "./transport/session-expiry";
import { DEFAULT_TOKEN_RULES, TokenAuthority } from "./transport/tokens";

/** The push channel's parts; main.ts picks Redis or memory, FCM or log. */
export interface PushDeps {
  readonly directory: PlayerDirectory;
  readonly outbox: PushOutbox;
  readonly gate: PushGate;
  readonly sender: PushSender;
}

export interface AppDeps {
  readonly config: Config;
  readonly store: GameStore;
  readonly push: PushDeps;
  readonly log: Logger;
  /** The Socket.IO adapter for several nodes (Redis); absent for the one-node embedded default. */
  readonly adapter?: ServerOptions["adapter"];
  readonly clock?: Clock;
  /** Push outbox entries not yet sent, for /metrics (see Backends); absent: the series is left out. */
  readonly outboxDepth?: () => Promise<number | null>;
  /** Age (ms) of the oldest outbox entry not yet sent, for /metrics; absent: reported as 0. */
  readonly outboxOldestAgeMs?: () => Promise<number | null>;
}

/**
 * How often every local socket's unsent data is checked against MAX_SEND_BUFFER_BYTES, for
 * what room broadcasts queue (answers are checked as they are sent). A client that does
 * not read can hold at most one interval's broadcasts over the cap.
 */
const SEND_BUFFER_SWEEP_MS = 1000;
/** How often per-game state of games no local socket is in is let go (see IdleGameSweeper). */
const IDLE_SWEEP_MS = 5000;

export interface RunningApp {
  readonly url: string;
  readonly port: number;
  readonly io: BingoServer;
  readonly engine: ClaimEngine;
  readonly metrics: PromMetrics;
  /** This node's TCP connections, admitted or still in their handshake (MAX_CONNECTIONS). */
  readonly connections: ConnectionGate;
  /**
   * How many games each per-game part of this node keeps something for (engine rooms,
   * rules, auto-draw and auto-claim state, live figures, push counts). Also on /metrics
   * as `bingo_node_game_state{kind}`.
   */
  gameState(): Record<string, number>;
  /** Lets go of per-game state for games no local socket is in, now (it also runs every few seconds). */
  sweepIdleGames(): void;
  /**
   * Drains: stops taking connections, answers every pending claim, tells each client to
   * reconnect elsewhere and closes its connection, then closes the store.
   */
  close(): Promise<void>;
}

/**
 * Tells every local client to reconnect elsewhere, then closes each connection at the
 * engine level once its queued packets are written. (A Socket.IO-level disconnect would
 * tell the client not to reconnect at all.) Resolves when all are closed.
 */
async function closeConnections(io: BingoServer): Promise<void> {
  io.local.emit("server:draining", { reason: "this node is shutting down; reconnect to another" });
  const sockets = [...io.of("/").sockets.values()];
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.conn.readyState === "closed") return resolve();
          socket.conn.once("close", () => resolve());
          socket.conn.close();
        }),
    ),
  );
}

/** Wires store, tick loop, HTTP routes and Socket.IO together and starts listening. */
export async function startApp({ config, store, push: pushDeps, log, adapter, clock = systemClock, outboxDepth, outboxOldestAgeMs }: AppDeps): Promise<RunningApp> {
  let secret = config.authSecret;
  if (!secret) {
    // loadConfig refuses production without AUTH_SECRET, so this is development only.
    secret = randomBytes(32).toString("base64url");
    log.warn(
      "AUTH_SECRET is not set: using a random secret for this process (development only; with several nodes set one AUTH_SECRET on all of them, or a token from one node is refused by the others)",
    );
  }
  if (config.devTokens) log.warn("serving POST /api/dev/token: anyone can get a host or player token (development; ALLOW_DEV_TOKENS=0 turns it off)");
  // Token times are wall-clock times, whatever clock drives the game (tests drive that one by hand).
  const tokens = new TokenAuthority(secret, { ...DEFAULT_TOKEN_RULES, maxTtlSeconds: config.maxTokenTtlSeconds });
  // Set on SIGTERM: /readyz says 503 so a load balancer stops sending players here.
  let draining = false;
  const origins = new OriginPolicy(config.corsOrigins);

  const httpServer = createServer(
    createHttpHandler({
      ready: () => (draining ? Promise.resolve(false) : store.ping()),
      record: (gameId) => publicRecord(store, gameId),
      webRoot: webRoot(),
      devTokens: config.devTokens ? tokens : undefined,
      webPush: config.webPush,
      metrics: () => metrics.scrape(),
      origins,
    }),
  );
  const io: BingoServer = new Server(httpServer, {
    // WebSocket only: no sticky sessions needed behind a load balancer.
    transports: ["websocket"],
    serveClient: false,
    // A larger frame closes the connection (ws answers 1009) before anything parses it.
    maxHttpBufferSize: config.maxMessageBytes,
    // An engine.io connection that has not joined a namespace by then is closed (ConnectionGate
    // also times out the TCP connection under it).
    connectTimeout: config.handshakeTimeoutMs,
    ...(adapter ? { adapter } : {}),
  });
  const metrics = new PromMetrics(config.nodeId, {
    sockets: () => io.of("/").sockets.size,
    rooms: () => {
      let rooms = 0;
      for (const room of io.of("/").adapter.rooms.keys()) if (gameOfRoom(room) !== undefined) rooms++;
      return rooms;
    },
    outboxDepth: outboxDepth ?? (async () => null),
    gameState: (): Record<string, number> => sweeper.sizes(),
    ...(outboxOldestAgeMs ? { outboxOldestAgeMs } : {}),
  });
  /** Runs one emit to a room and times it. */
  const broadcast = (event: string, emit: () => void): void => {
    const started = performance.now();
    emit();
    metrics.broadcast(event, (performance.now() - started) / 1000);
  };

  const multiNode = adapter !== undefined;
  const toRoom = (gameId: string) => io.to(roomOf(gameId));
  const catalog = new GameCatalog(store);
  const push = new PushEvents(pushDeps.outbox, pushDeps.gate, clock, log, config.pushMinIntervalMs, metrics);
  const dispatcher = new PushDispatcher(pushDeps.outbox, pushDeps.directory, pushDeps.gate, countedSender(pushDeps.sender, metrics), clock, log, {
    nodeId: config.nodeId,
    graceMs: config.backgroundGraceMs,
    claimTimeoutMs: config.pushClaimTimeoutMs,
    retryDelaysMs: PUSH_RETRY_DELAYS_MS,
    metrics,
  });
  const fanout: TickFanout = {
    emitLocal: (gameId, state) => broadcast("slots", () => io.local.to(roomOf(gameId)).emit("slots", { gameId, ...state, at: clock.now() })),
    share: (gameId, state) => {
      if (multiNode) io.serverSideEmit("slots:state", gameId, state.total, state.remaining, state.version);
      push.slotsMoved(gameId, state);
    },
    called: (message) => io.to(hostsOf(message.gameId)).emit("bingo:called", message),
    awarded: (gameId, award, version, finished) => {
      const { pattern, ballIndex, winners, prizeEach } = award;
      broadcast("winners", () => toRoom(gameId).emit("winners", { gameId, pattern, ballIndex, winners, prizeEach, version }));
      push.won(gameId, award);
      void afterAward(gameId, finished);
    },
  };
  const engine = new ClaimEngine(store, catalog, fanout, clock, {
    tickMs: config.tickMs,
    maxClaimsPerTick: config.maxClaimsPerTick,
    slotsMinIntervalMs: config.slotsMinIntervalMs,
    maxPendingClaims: config.maxPendingClaims,
  }, metrics);
  const announcer: RoundAnnouncer = {
    drawn: (message) => {
      metrics.drawn();
      broadcast("draw", () => toRoom(message.gameId).emit("draw", message));
    },
    phase: (message) => toRoom(message.gameId).emit("game:phase", message),
    autoChanged: multiNode ? (gameId, intervalMs) => io.serverSideEmit("round:auto", gameId, intervalMs) : () => undefined,
  };
  const conductor = new RoundConductor(store, catalog, engine, announcer, clock, config.nodeId);

  /** After an award made here: reveal the seed if the game finished, else start auto-claims for the next pattern. */
  async function afterAward(gameId: string, finished: boolean): Promise<void> {
    const view = await store.view(gameId, "");
    if (!view.ok) return;
    const { seed, awards, roundVersion, pattern, drawn } = view.value;
    if (finished) {
      log.info({ gameId, awards: awards.length }, "game finished");
      conductor.forget(gameId);
      push.finished(gameId, seed);
      announcer.phase({ gameId, phase: "finished", version: roundVersion });
      toRoom(gameId).emit("game:finished", { gameId, seed, results: awards, version: roundVersion });
    } else {
      await conductor.patternStarted(gameId, pattern, drawn - 1);
    }
  }

  // Live figures for host consoles: claims and batch sizes counted here, summed over nodes.
  const statsFeed = startStatsFeed(io, config.nodeId, multiNode, clock);
  engine.onBatch = ({ gameId, claims, error, thrown }) => {
    if (!error) statsFeed.count(gameId, claims);
    if (thrown) log.error({ err: thrown, gameId, claims }, "store threw while resolving a tick");
    else if (error && error.code !== "NOT_FOUND") log.warn({ gameId, claims, code: error.code }, "tick batch failed");
  };
  io.on("slots:state", (gameId, total, remaining, version) => engine.receive(gameId, { total, remaining, version }));
  io.on("round:auto", (gameId, intervalMs) => conductor.follow(gameId, intervalMs));
  io.of("/").adapter.on("delete-room", (room: string) => {
    const gameId = gameOfRoom(room);
    if (gameId) engine.release(gameId);
  });

  const sweeper: IdleGameSweeper = new IdleGameSweeper(
    (gameId) => io.of("/").adapter.rooms.has(roomOf(gameId)),
    [
      // The engine first: the rules of a game it still has a room for stay.
      { kind: "engineRooms", games: () => engine.games(), size: () => engine.roomCount, release: (gameId) => engine.release(gameId) },
      { kind: "roundConductor", games: () => conductor.games(), size: () => conductor.games().size, release: (gameId) => conductor.release(gameId) },
      {
        kind: "gameRules",
        games: () => catalog.games(),
        size: () => catalog.size,
        release: (gameId) => {
          if (!engine.hasRoom(gameId) && !conductor.isFollowing(gameId)) catalog.forget(gameId);
        },
      },
      statsFeed.state,
      { kind: "pushCounts", games: () => push.games(), size: () => push.size, release: (gameId) => push.forget(gameId) },
    ],
  );
  sweeper.start(IDLE_SWEEP_MS);

  const { directory } = pushDeps;
  const handlers = createHandlers({ io, store, engine, catalog, conductor, claimGraceMs: config.claimGraceMs, maxGamesPerHost: config.maxGamesPerHost, directory, push, log });
  const limits = new EventLimits(config.rateLimits.socket, config.rateLimits.player, clock, { disconnectAfterMs: config.rateLimitDisconnectAfterMs });
  const gate = new ConnectionGate(httpServer, {
    maxConnections: config.maxConnections,
    handshakeTimeoutMs: config.handshakeTimeoutMs,
    timedOut: () => metrics.connectionCut("handshake-timeout"),
    dropped: () => metrics.connectionCut("over-capacity"),
  });
  const sendBuffers = new SendBufferWatch(config.maxSendBufferBytes, (socket, bytes) => cutAndCount(socket, "send-buffer", metrics, log, { bytes }));
  sendBuffers.start(io, SEND_BUFFER_SWEEP_MS);
  attachGateway(io, {
    tokens,
    handlers,
    log,
    limits,
    origins,
    metrics,
    gate,
    maxConnections: config.maxConnections,
    maxSocketsPerPlayer: config.maxSocketsPerPlayer,
    sendBuffers,
  });
  const sessions = watchSessionExpiry(io, Date.now);
  // Presence for push: this start's own instance id, so a node restarted under the same
  // NODE_ID never revives the counts of the sockets that died with its former self.
  const instance = `${config.nodeId}:${randomBytes(6).toString("base64url")}`;
  /** Sockets per player on this instance: what the heartbeat restores if Redis lost it. */
  const localSockets = new Map<string, number>();
  io.on("connection", (socket) => {
    if (socket.data.role !== "player") return;
    const playerId = socket.data.sub;
    localSockets.set(playerId, (localSockets.get(playerId) ?? 0) + 1);
    directory.socketOpened(playerId, instance).catch(() => undefined);
    socket.on("disconnect", () => {
      const left = (localSockets.get(playerId) ?? 1) - 1;
      if (left > 0) localSockets.set(playerId, left);
      else localSockets.delete(playerId);
      directory.socketClosed(playerId, instance).catch(() => undefined);
    });
  });
  const beat = async (): Promise<void> => {
    // Unknown to the store (it lost its data, or pruned this instance after a long stall):
    // rebuild this instance's counts from the sockets it holds.
    if (await directory.heartbeat(instance)) await directory.restoreSockets(instance, localSockets);
  };
  await beat().catch(() => undefined);
  const heartbeat = setInterval(() => void beat().catch(() => undefined), config.presenceHeartbeatMs);
  heartbeat.unref();
  dispatcher.start();

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;

  return {
    url: `http://${shownHost}:${port}`,
    port,
    io,
    engine,
    metrics,
    connections: gate,
    gameState: () => sweeper.sizes(),
    sweepIdleGames: () => sweeper.sweep(),
    async close() {
      draining = true;
      sweeper.stop();
      // No new connections: they go to the other nodes (io.close below closes it again, harmlessly).
      httpServer.close();
      conductor.stop();
      push.stop();
      clearInterval(heartbeat);
      sessions.stop();
      statsFeed.stop();
      // Claims already taken are committed and answered; any arriving now get UNAVAILABLE.
      await engine.stop();
      await dispatcher.stop();
      await pushDeps.outbox.close();
      // Swept until here: a client that does not read would otherwise hold its connection open.
      await closeConnections(io);
      sendBuffers.stop();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await store.close();
    },
  };
}
