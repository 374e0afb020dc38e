import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { Server } from "socket.io";
import type { ServerOptions } from "socket.io";
import { ClaimEngine } from "./claims/claim-engine";
import type { Config } from "./config";
import { GameCatalog } from "./game/game-rules";
import { IdleGameSweeper } from "./game/idle-games";
import { PUSH_RETRY_DELAYS_MS, PushDispatcher } from "./push/push-dispatcher";
import { PushEvents } from "./push/push-events";
import type { PlayerDirectory, PushGate, PushOutbox } from "./ports/push-ports";
import type { PushSender } from "./ports/push-sender";
import { publicRecord } from "./game/public-record";
import { GameCoordinator } from "./game/game-coordinator";
import { createHttpHandler } from "./http/http-routes";
import { HostReports } from "./game/host-reports";
import { OriginPolicy } from "./identity/origins";
import { webRoot } from "./http/static-files";
import { PromMetrics } from "./observability/prom-metrics";
import { countedSender } from "./push/counted-sender";
import type { Clock } from "./ports/clock";
import { systemClock } from "./ports/clock";
import type { GameStore } from "./ports/game-store";
import { ConnectionGate } from "./transport/connection-gate";
import { EventLimits } from "./transport/event-limits";
import { AckedSlots } from "./transport/acked-slots";
import { createHandlers } from "./transport/handlers";
import { SendBufferWatch } from "./transport/send-buffer";
import { closeConnections } from "./transport/drain";
import { socketRoomBroadcast } from "./transport/room-broadcast";
import { DEFAULT_SLICE_SOCKETS } from "./transport/sliced-emit";
import { trackPresence } from "./transport/socket-presence";
import { attachGateway, cutAndCount } from "./transport/socket-gateway";
import type { BingoServer } from "./transport/socket-types";
import { gameOfRoom, roomOf } from "./transport/socket-types";
import { startStatsFeed } from "./transport/stats-feed";
import { watchSessionExpiry } from "./transport/session-expiry";
import { identityFromConfig } from "./identity/identity-from-config";
import type { RunningWsEngine } from "./transport/ws-engine";
import { textParser } from "./transport/text-parser";
import { runningWsEngine } from "./transport/ws-engine";

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
  /** Times the join batches (TICK_MS apart); default the system clock (tests hold joins back with a manual one). */
  readonly joinClock?: Clock;
  /** Push outbox entries not yet sent, for /metrics (see Backends); absent: the series is left out. */
  readonly outboxDepth?: () => Promise<number | null>;
  /** Age (ms) of the oldest outbox entry not yet sent, for /metrics; absent: reported as 0. */
  readonly outboxOldestAgeMs?: () => Promise<number | null>;
  /** Resolves when the store is first reached (a node listens before that): presence registers then. */
  readonly storeReady?: Promise<void>;
  /** High-resolution ms the broadcast budget times `slots` emits with; default performance.now (tests inject one). */
  readonly hrNow?: () => number;
  /** Sockets per slice of a `slots` broadcast (default DEFAULT_SLICE_SOCKETS; tests use small slices to see a broadcast span turns). */
  readonly sliceSockets?: number;
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
  /** The WebSocket implementation writing this node's sockets. */
  readonly wsEngine: RunningWsEngine;
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

/** Wires store, tick loop, HTTP routes and Socket.IO together and starts listening. */
export async function startApp({ config, store, push: pushDeps, log, adapter, clock = systemClock, joinClock = systemClock, outboxDepth, outboxOldestAgeMs, storeReady, hrNow, sliceSockets }: AppDeps): Promise<RunningApp> {
  const identity = identityFromConfig(config, log);
  // Set on SIGTERM: /readyz says 503 so a load balancer stops sending players here.
  let draining = false;
  const origins = new OriginPolicy(config.corsOrigins);
  const reports = new HostReports(store, pushDeps.directory);

  const httpServer = createServer(
    createHttpHandler({
      ready: () => (draining ? Promise.resolve(false) : store.ping()),
      record: (gameId) => publicRecord(store, gameId),
      webRoot: webRoot(),
      devTokens: identity.devTokens,
      webPush: config.webPush,
      metrics: () => metrics.scrape(),
      origins,
      winnersExport: { identity: identity.verifier, winners: (gameId, hostId) => reports.winners(gameId, hostId) },
    }),
  );
  const wsEngine = runningWsEngine();
  log.info({ wsEngine }, `websocket engine: ${wsEngine}`);
  const io: BingoServer = new Server(httpServer, {
    // WebSocket only: no sticky sessions needed behind a load balancer.
    transports: ["websocket"],
    serveClient: false,
    // A larger frame closes the connection (ws answers 1009) before anything parses it.
    maxHttpBufferSize: config.maxMessageBytes,
    // An engine.io connection that has not joined a namespace by then is closed (ConnectionGate
    // closes the TCP connection under it sooner if it stalls).
    connectTimeout: config.handshakeMaxMs,
    // Socket.IO's parser without the binary walk over every packet sent: we never send binary.
    parser: textParser,
    // MAX_HANDSHAKES: an upgrade past it is answered at once (HTTP 400 with this text) and closed;
    // the client retries after its backoff (ConnectionGate.startHandshake says why).
    allowRequest: (request, callback) => {
      const taken = gate.startHandshake(request.socket);
      callback(taken ? null : `UNAVAILABLE: this node is working on its maximum of ${config.maxHandshakes} handshakes; try again in a moment`, taken);
    },
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
    pushTokens: () => pushDeps.directory.tokensByPlatform(),
    wsEngine: () => wsEngine,
  });
  const multiNode = adapter !== undefined;
  const catalog = new GameCatalog(store);
  const push = new PushEvents(pushDeps.outbox, pushDeps.gate, clock, log, config.pushCountThresholds, metrics);
  const dispatcher = new PushDispatcher(pushDeps.outbox, pushDeps.directory, pushDeps.gate, countedSender(pushDeps.sender, metrics), clock, log, {
    nodeId: config.nodeId,
    graceMs: config.backgroundGraceMs,
    claimTimeoutMs: config.pushClaimTimeoutMs,
    retryDelaysMs: PUSH_RETRY_DELAYS_MS,
    linkBase: config.pushLinkBase,
    metrics,
  });
  const ackedSlots = new AckedSlots(io);
  const games = new GameCoordinator({
    store,
    catalog,
    engine: (fanout) =>
      new ClaimEngine(store, catalog, fanout, clock, {
        tickMs: config.tickMs,
        maxClaimsPerTick: config.maxClaimsPerTick,
        slotsMinIntervalMs: config.slotsMinIntervalMs,
        slotsBroadcastPercent: config.slotsBroadcastPercent,
        maxPendingClaims: config.maxPendingClaims,
      }, metrics),
    room: socketRoomBroadcast(io, metrics, multiNode, {
      sliceMs: config.broadcastSliceMs,
      sliceSockets: sliceSockets ?? DEFAULT_SLICE_SOCKETS,
      now: hrNow ?? (() => performance.now()),
    }, ackedSlots),
    push,
    directory: pushDeps.directory,
    clock,
    joinClock,
    joins: { tickMs: config.tickMs, maxPerTick: config.maxClaimsPerTick },
    log,
    nodeId: config.nodeId,
    claimGraceMs: config.claimGraceMs,
    winnersShown: config.awardWinnersShown,
    maxGamesPerHost: config.maxGamesPerHost,
  });
  const { engine, conductor } = games;

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

  // This start's own instance id, for presence (see trackPresence) and the joins it indexes.
  const instance = `${config.nodeId}:${randomBytes(6).toString("base64url")}`;
  const handlers = createHandlers({ games, directory: pushDeps.directory, reports, instance, ackedSlots });
  const limits = new EventLimits(config.rateLimits.socket, config.rateLimits.player, clock, { disconnectAfterMs: config.rateLimitDisconnectAfterMs });
  const gate = new ConnectionGate(httpServer, {
    maxConnections: config.maxConnections,
    handshakeTimeoutMs: config.handshakeTimeoutMs,
    handshakeMaxMs: config.handshakeMaxMs,
    maxHandshakes: config.maxHandshakes,
    busy: () => metrics.connectionCut("handshakes-busy"),
    upgradeWaited: (ms) => metrics.upgradeWait(ms / 1000),
    timedOut: () => metrics.connectionCut("handshake-timeout"),
    dropped: () => metrics.connectionCut("over-capacity"),
  });
  const sendBuffers = new SendBufferWatch(config.maxSendBufferBytes, (socket, bytes) => cutAndCount(socket, "send-buffer", metrics, log, { bytes }));
  sendBuffers.start(io, SEND_BUFFER_SWEEP_MS);
  attachGateway(io, {
    identity: identity.verifier,
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
  const presence = await trackPresence(io, pushDeps.directory, instance, config.presenceHeartbeatMs, storeReady);
  dispatcher.start();

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen({ port: config.port, host: config.host, backlog: config.listenBacklog }, () => {
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
    wsEngine,
    gameState: () => sweeper.sizes(),
    sweepIdleGames: () => sweeper.sweep(),
    async close() {
      draining = true;
      sweeper.stop();
      // No new connections: they go to the other nodes (io.close below closes it again, harmlessly).
      httpServer.close();
      conductor.stop();
      push.stop();
      presence.stop();
      sessions.stop();
      statsFeed.stop();
      // Joins being read are answered, waiting ones get UNAVAILABLE (their clients join another node).
      await games.joins.stop();
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
