/**
 * The simulated players of one worker process: bare socket.io-client sockets (no SDK
 * objects, no per-player timers), per-player state in typed arrays, and what every socket
 * hears (slots, draws, winners) counted as it arrives.
 */
import jwt from "jsonwebtoken";
import { io } from "socket.io-client";
import type { Socket } from "socket.io-client";
import { awardKey } from "./award-key";
import type { Card, DrawMessage, JoinSnapshot, SlotsMessage, WinnersMessage, WonMessage } from "../../shared/protocol";
import { MAX_PER_PLAYER } from "../../shared/protocol";
import { CONNECT_ATTEMPT_TIMEOUT_MS } from "../../shared/client";
import { LatencyHistogram } from "./histogram";
import type { DrawsReport, DropMode, FromWorker, RejoinReport, WorkerSetup } from "./protocol";

const send = (message: FromWorker): void => void process.send?.(message);
const OWN_DISCONNECT = "io client disconnect";
/** How many card-list mismatches a worker describes in its report, for finding out why. */
const MISMATCH_EXAMPLES = 5;

/** Called for each socket's receipt of a draw, after the crowd has recorded it. */
export type DrawListener = (player: number, index: number) => void;

export class Crowd {
  readonly sockets: (Socket | null)[];
  readonly cards: (readonly Card[])[];
  /** Balls by draw index, as first heard by any socket of this worker. */
  readonly draws: number[] = [];
  /** When the drawing node emitted each draw (its `at`), by index. */
  readonly drawAt: number[] = [];
  onDraw: DrawListener | null = null;

  private readonly lastVersion: Int32Array;
  private readonly lastRemaining: Int32Array;
  private readonly lastDraw: Int32Array;
  fluctuations = 0;
  slotsMessages = 0;
  readonly slotsLatency = new LatencyHistogram();
  readonly remainingSeries: [number, number][] = [];
  private readonly drawLatency = new LatencyHistogram();
  private readonly receivedByIndex: number[] = [];
  /** Sockets connected when draw `index` first arrived here: when that many have it, the coordinator hears. */
  private readonly expectedByIndex: number[] = [];
  /** Bingo calls made so far (by the worker's player logic), reported with each draw seen. */
  calls = 0;
  private drawGaps = 0;
  private readonly winnersSeen = new Map<string, number>();
  private winnersReceived = 0;
  /** Every `bingo:won` card this worker's players were told of, as `lp-N#card@pattern`. */
  readonly toldWins: string[] = [];
  /** The last award message whose key was computed, with that key (awardKey). */
  private lastAward: { message: WinnersMessage; key: string } | null = null;
  private winnersExpected = 0;
  private unexpectedDisconnects = 0;
  private dropMode: DropMode | null = null;
  private readonly mismatchExamples: string[] = [];
  private readonly rejoins = { dropped: 0, rejoined: 0, failed: 0, attempts: 0, lastRejoinedAt: 0, cardMismatches: 0 };
  private readonly rejoinLatency = new LatencyHistogram();
  private readonly rejoinStates = new Map<string, number>();
  private readonly failedAttempts: Record<string, number> = {};
  private readonly pendingRejoins: Promise<void>[] = [];
  /** Each player's token, signed at its first connection. */
  private readonly tokens: string[] = [];
  /** The node each player's socket is connected to. */
  private readonly urlOf: string[];
  /** In a node loss: resolves when every client of the lost node has noticed. */
  private allNoticed: Promise<void> = Promise.resolve();
  private noticed: () => void = () => undefined;
  private toNotice = 0;

  constructor(readonly setup: WorkerSetup) {
    this.sockets = new Array<Socket | null>(setup.players).fill(null);
    this.cards = Array.from({ length: setup.players }, () => []);
    this.lastVersion = new Int32Array(setup.players).fill(-1);
    this.lastRemaining = new Int32Array(setup.players).fill(2 ** 31 - 1);
    this.lastDraw = new Int32Array(setup.players).fill(-1);
    this.urlOf = Array.from({ length: setup.players }, (_, i) => setup.urls[(setup.firstPlayer + i) % setup.urls.length]);
  }

  get connectedCount(): number {
    let n = 0;
    for (const socket of this.sockets) if (socket?.connected) n++;
    return n;
  }

  /** Connects and joins every player, `connectConcurrency` at a time. */
  async connect(): Promise<{ connected: number; failed: number }> {
    let failed = 0;
    let next = 0;
    const one = async (): Promise<void> => {
      while (next < this.setup.players) {
        const i = next++;
        const socket = this.open(i, this.urlOf[i]);
        if ((await connected(socket)) !== "connected") {
          failed++;
          socket.disconnect();
          continue;
        }
        await socket.timeout(30_000).emitWithAck("game:join", { gameId: this.setup.gameId }).catch(() => undefined);
        this.sockets[i] = socket;
      }
    };
    await Promise.all(Array.from({ length: this.setup.connectConcurrency }, one));
    return { connected: this.connectedCount, failed };
  }

  status(): FromWorker {
    return { type: "status", connected: this.connectedCount, unexpectedDisconnects: this.unexpectedDisconnects };
  }

  private open(i: number, url: string): Socket {
    const player = this.setup.firstPlayer + i;
    // A player keeps its token across reconnects, as an app does (signing one per attempt
    // was a fifth of a worker's CPU in a storm: jsonwebtoken builds a key object each time).
    this.tokens[i] ??= jwt.sign({ role: "player" }, this.setup.secret, { algorithm: "HS256", subject: `lp-${player}`, expiresIn: "12h" });
    const socket = io(url, {
      transports: ["websocket"],
      reconnection: false,
      // The SDK's patience for one attempt, so the storm measures what apps do.
      timeout: CONNECT_ATTEMPT_TIMEOUT_MS,
      auth: { token: this.tokens[i] },
      ...sourceAddress(url, player),
    });
    socket.on("slots", (m: SlotsMessage) => this.slots(i, m));
    socket.on("draw", (m: DrawMessage) => this.draw(i, m));
    socket.on("winners", (m: WinnersMessage) => this.winners(m));
    socket.on("bingo:won", (m: WonMessage) => this.won(player, m));
    socket.on("disconnect", (reason) => this.disconnected(i, socket, reason));
    return socket;
  }

  /** Connected players that do not hold slot version `version` yet (from an ack or a broadcast). */
  lackingVersion(version: number): number {
    let lacking = 0;
    for (let i = 0; i < this.sockets.length; i++) if (this.sockets[i]?.connected && this.lastVersion[i] < version) lacking++;
    return lacking;
  }

  private slots(i: number, m: SlotsMessage): void {
    this.slotsMessages++;
    this.slotsLatency.add(Date.now() - m.at);
    if (m.version <= this.lastVersion[i] || m.remaining > this.lastRemaining[i]) this.fluctuations++;
    this.lastVersion[i] = m.version;
    this.lastRemaining[i] = m.remaining;
    if (i === 0) this.remainingSeries.push([Date.now(), m.remaining]);
  }

  /**
   * A claim's ack carries the count too: kept when newer, as the SDK does. A `slots` message
   * of a version the player already had from its ack then counts as a fluctuation (the server
   * skips claimers in the broadcast of the count their ack carried).
   */
  acked(i: number, slots: { remaining: number; version: number }): void {
    if (slots.version <= this.lastVersion[i]) return;
    this.lastVersion[i] = slots.version;
    this.lastRemaining[i] = slots.remaining;
  }

  private draw(i: number, m: DrawMessage): void {
    this.drawLatency.add(Date.now() - m.at);
    if (m.index !== this.lastDraw[i] + 1) this.drawGaps++;
    this.lastDraw[i] = m.index;
    this.draws[m.index] ??= m.ball;
    this.drawAt[m.index] ??= m.at;
    this.expectedByIndex[m.index] ??= this.connectedCount;
    this.receivedByIndex[m.index] = (this.receivedByIndex[m.index] ?? 0) + 1;
    this.onDraw?.(i, m.index);
    if (this.receivedByIndex[m.index] === this.expectedByIndex[m.index]) send({ type: "draw-seen", index: m.index, calls: this.calls });
  }

  /** A player told of its own winning cards: kept as `lp-N#card@pattern` to compare with the record. */
  private won(player: number, m: WonMessage): void {
    for (const cardId of m.cardIds) this.toldWins.push(`lp-${player}#${cardId}@${m.pattern}`);
  }

  private winners(m: WinnersMessage): void {
    const key = this.awardKey(m);
    this.winnersSeen.set(key, (this.winnersSeen.get(key) ?? 0) + 1);
    if (this.winnersReceived === 0) this.winnersExpected = this.connectedCount;
    if (++this.winnersReceived === this.winnersExpected) send({ type: "winners-seen" });
  }

  /**
   * The award as a comparable key (awardKey). Every client of a node gets the same message,
   * so the key of the last one is reused when the message matches it: building it once per
   * client measured the generator instead of the server.
   */
  private awardKey(m: WinnersMessage): string {
    const last = this.lastAward?.message;
    if (last && last.pattern === m.pattern && last.ballIndex === m.ballIndex && last.prizeEach === m.prizeEach && last.winnerCount === m.winnerCount && sameWinners(last.winners, m.winners)) {
      return this.lastAward!.key;
    }
    const key = awardKey(m);
    this.lastAward = { message: m, key };
    return key;
  }

  drawsReport(): DrawsReport {
    return { receivedByIndex: Array.from(this.receivedByIndex, (n) => n ?? 0), latency: this.drawLatency.buckets(), gaps: this.drawGaps };
  }

  winnersReport(): Record<string, number> {
    return Object.fromEntries(this.winnersSeen);
  }

  private disconnected(i: number, socket: Socket, reason: string): void {
    if (reason === OWN_DISCONNECT || this.sockets[i] !== socket) return;
    this.unexpectedDisconnects++;
    if (this.dropMode?.kind === "node-loss") {
      const urls = this.dropMode.urls;
      this.pendingRejoins.push(this.rejoin(i, urls[(this.setup.firstPlayer + i) % urls.length], Date.now(), this.dropMode.baseline === true));
      if (--this.toNotice === 0) this.noticed();
    }
  }

  /** A reconnect storm: all players drop and reconnect at once, or wait for their node to die. */
  drop(mode: DropMode): void {
    this.dropMode = mode;
    if (mode.kind === "node-loss") {
      this.toNotice = this.sockets.filter((socket, i) => socket?.connected && this.urlOf[i] === mode.lostUrl).length;
      this.allNoticed = this.toNotice === 0 ? Promise.resolve() : new Promise((resolve) => (this.noticed = resolve));
      return;
    }
    const since = Date.now();
    for (let i = 0; i < this.sockets.length; i++) {
      const old = this.sockets[i];
      if (!old) continue;
      old.disconnect();
      this.pendingRejoins.push(this.rejoin(i, mode.urls[(this.setup.firstPlayer + i) % mode.urls.length], since, mode.baseline === true));
    }
  }

  /**
   * Reconnects one player and joins the game again, on socket.io-client's own schedule (its
   * defaults: reconnectionDelay 1 s doubling up to reconnectionDelayMax 5 s, randomizationFactor
   * 0.5), the first attempt included: real clients that lose their connection together do not
   * all knock in the same millisecond, they spread over about a second.
   */
  private async rejoin(i: number, url: string, since: number, baseline: boolean): Promise<void> {
    this.rejoins.dropped++;
    this.sockets[i] = null;
    for (let attempt = 0; ; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, reconnectionDelay(attempt)));
      this.rejoins.attempts++;
      const socket = this.open(i, url);
      const outcome = await connected(socket);
      if (outcome === "connected") {
        this.lastDraw[i] = -1;
        this.sockets[i] = socket;
        this.urlOf[i] = url;
        const ack = (await socket.timeout(30_000).emitWithAck("game:join", this.joinPayload(i)).catch(() => null)) as
          | { ok: true; game: JoinSnapshot }
          | { ok: false; error?: { code?: string } }
          | null;
        if (ack?.ok || (ack && baseline)) {
          this.rejoins.rejoined++;
          this.rejoins.lastRejoinedAt = Date.now();
          this.rejoinLatency.add(Date.now() - since);
          if (ack.ok) this.recordSnapshot(i, ack.game);
          return;
        }
        this.countFailure(ack ? `join ${ack.error?.code ?? "refused"}` : "join no answer");
      } else this.countFailure(outcome);
      socket.disconnect();
      if (Date.now() - since > this.setup.rejoinWindowMs) {
        this.rejoins.failed++;
        return;
      }
    }
  }

  private countFailure(what: string): void {
    this.failedAttempts[what] = (this.failedAttempts[what] ?? 0) + 1;
  }

  /**
   * Player `i`'s `game:join`, naming the cards it was granted, as the SDK does: their grids
   * never change, so the answer leaves them out.
   */
  joinPayload(i: number): { gameId: string; knownCards?: number[] } {
    const known = this.cards[i].slice(0, MAX_PER_PLAYER).map((card) => card.id);
    return known.length > 0 ? { gameId: this.setup.gameId, knownCards: known } : { gameId: this.setup.gameId };
  }

  /** Whether a join's snapshot lists exactly the cards player `i` was granted, each with a grid unless the join named it. */
  holdsItsCards(i: number, game: JoinSnapshot): boolean {
    const granted = this.cards[i];
    const known = new Set(granted.slice(0, MAX_PER_PLAYER).map((card) => card.id));
    const mine = game.myCards.map((c) => c.id).sort((a, b) => a - b).join();
    const expected = granted.map((c) => c.id).sort((a, b) => a - b).join();
    return mine === expected && game.myCards.every((card) => card.grid !== undefined || known.has(card.id));
  }

  private recordSnapshot(i: number, game: JoinSnapshot): void {
    const { slots, round } = game;
    const key = `${game.phase} slots ${slots.remaining}/${slots.total} v${slots.version} draws ${round.draws.length} round v${round.version}`;
    this.rejoinStates.set(key, (this.rejoinStates.get(key) ?? 0) + 1);
    if (this.holdsItsCards(i, game)) return;
    this.rejoins.cardMismatches++;
    if (this.mismatchExamples.length < MISMATCH_EXAMPLES) {
      const listed = game.myCards.map((c) => `${c.id}${c.grid === undefined ? "!" : ""}`).join(",");
      this.mismatchExamples.push(`player ${this.setup.firstPlayer + i}: granted [${this.cards[i].map((c) => c.id).join(",")}], rejoin listed [${listed}]`);
    }
  }

  async rejoinReport(): Promise<RejoinReport> {
    await this.allNoticed;
    await Promise.all(this.pendingRejoins);
    return {
      ...this.rejoins,
      failedAttempts: { ...this.failedAttempts },
      cardMismatchExamples: this.mismatchExamples,
      latency: this.rejoinLatency.buckets(),
      states: Object.fromEntries(this.rejoinStates),
    };
  }

  close(): void {
    this.dropMode = null;
    for (const socket of this.sockets) socket?.disconnect();
  }
}

/** Whether two winner lists name the same cards of the same players, in the same order. */
function sameWinners(a: WinnersMessage["winners"], b: WinnersMessage["winners"]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].playerId !== b[i].playerId || a[i].cardId !== b[i].cardId) return false;
  return true;
}

/**
 * Players come from many addresses, as on the internet: on loopback each one binds one of
 * 250 local addresses (127.0.0.2 to 127.0.0.251). From the one address 127.0.0.1, tens of
 * thousands of connections (and the TIME_WAIT of those just dropped) share the 28,000
 * ephemeral ports, and the kernel's search for a free one took a fifth of a worker's CPU in
 * a 20,000-client storm (profiled in connect()).
 */
function sourceAddress(url: string, player: number): { localAddress?: string } {
  return new URL(url).hostname === "127.0.0.1" ? { localAddress: `127.0.0.${2 + (player % 250)}` } : {};
}

/** socket.io-client's delay before reconnection attempt `attempt` (0 = the first), with its jitter. */
function reconnectionDelay(attempt: number): number {
  return Math.min(5000, 1000 * 2 ** attempt) * (0.5 + Math.random());
}

/**
 * Whether the socket connects, and if not what failed (see RejoinReport.failedAttempts). A
 * connection the server closes during its handshake (say, at HANDSHAKE_TIMEOUT_MS) ends in
 * "disconnect", not "connect_error": without that case such a client would wait for ever and
 * the storm would never end.
 */
function connected(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once("connect", () => resolve("connected"));
    socket.once("connect_error", (error: Error & { type?: string; data?: { code?: unknown } }) => {
      if (typeof error.data?.code === "string") resolve(`refused ${error.data.code}`);
      else if (error.message === "timeout") resolve("connect timeout");
      else if (error.type === "TransportError") resolve("transport error");
      else resolve(`connect error: ${error.message}`);
    });
    socket.once("disconnect", () => resolve("closed in handshake"));
  });
}
