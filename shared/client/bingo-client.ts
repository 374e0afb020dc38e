import { io } from "socket.io-client";
import type { ManagerOptions, Socket, SocketOptions } from "socket.io-client";
import { v4 as uuidv4 } from "uuid";
import type {
  Ack,
  AckOf,
  Card,
  Claimed,
  ClientEvent,
  ClientToServerEvents,
  ErrorCode,
  GameSnapshot,
  Grid,
  Joined,
  JoinSnapshot,
  NextGameMessage,
  PayloadOf,
  ProtocolError,
  ServerToClientEvents,
  SlotState,
} from "../protocol";
// From the module itself, not the barrel: a browser bundle then leaves the zod schemas out.
import { isErrorCode, protocolError } from "../protocol/codes";
import { normalGameId } from "../protocol/game-ids";
import { MAX_PER_PLAYER } from "../protocol/limits";

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface BingoClientOptions {
  /**
   * Server base URL, e.g. http://localhost:3000 — or several nodes' URLs: each reconnect
   * attempt goes to the next one, so a client of a node that died or shut down carries on
   * at another. (Behind a load balancer, its one URL is enough.)
   */
  readonly url: string | readonly string[];
  /**
   * JWT with `sub`, `role` and `exp` (see POST /api/dev/token in development), or a function
   * that returns a fresh one: it is called before every connection and reconnection, so a
   * client whose token expired (`session:expired`) carries on by itself with a new one.
   */
  readonly token: string | TokenProvider;
  /** How long to wait for each ack before trying again. Default 5000. */
  readonly ackTimeoutMs?: number;
  /** Further attempts for idempotent requests (join, claim, close) when no ack arrives. Default 3. */
  readonly retries?: number;
  /**
   * Further attempts for idempotent requests answered OUTCOME_UNKNOWN (the server's store
   * did not answer in time), each after a backoff. Default 5.
   */
  readonly outcomeRetries?: number;
  /** The first backoff before such an attempt; it doubles each time (with jitter), up to 4 s. Default 250. */
  readonly outcomeBackoffMs?: number;
  /**
   * How long `open`/`connect` wait for the first connection, over as many attempts as that
   * takes. Default FIRST_CONNECT_TIMEOUT_MS (90 s: two whole attempts); `Infinity` waits
   * until the server answers (a page that stays open, showing that it is still trying).
   */
  readonly connectTimeoutMs?: number;
  /** Passed through to socket.io-client. */
  readonly socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

/**
 * How long one connection attempt waits for the server before socket.io-client gives it up
 * and tries again (its `timeout`; its own default is 20 s). In a mass reconnect the nodes'
 * accept queues fill up: a client that gives up at 20 s starts again at the back of a queue
 * while the node still works on the attempt it left behind. Measured with 50,000 clients
 * dropping at once on 4 nodes (docs/performance.md): 3.0 to 4.9 attempts per client at 20 s,
 * sometimes never converging; 1.36 at 45 s, all back in 0.92x the time a bare Socket.IO
 * server took. A node that is down refuses at once, so the longer wait only applies to one
 * that is up but behind, or unreachable. Override with `socketOptions.timeout`.
 */
export const CONNECT_ATTEMPT_TIMEOUT_MS = 45_000;

/**
 * How long `open` waits for the first connection by default: two whole attempts. At a show's
 * start everyone opens the app at once, and the nodes' accept queues are as full as in a mass
 * reconnect, so the first connection needs the same patience: a default shorter than one
 * attempt (it was 10 s) gave up on a connection the node was about to accept.
 */
export const FIRST_CONNECT_TIMEOUT_MS = 2 * CONNECT_ATTEMPT_TIMEOUT_MS;

/** Gives the token for the next connection attempt (e.g. your identity provider's current ID token). */
export type TokenProvider = () => string | Promise<string>;

/** A refused connection (bad token) or a server that cannot be reached. */
export class ConnectError extends Error {
  override readonly name = "ConnectError";
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
  }
}

type SlotListener = (gameId: string, slots: SlotState) => void;
type ResyncListener = (game: GameSnapshot) => void;
type DrawListener = (gameId: string, ball: number, index: number) => void;
type NextGameListener = (message: NextGameMessage) => void;

/** Events whose repetition is harmless: the server answers a repeat with the first result (or the same state). */
const RETRYABLE: ReadonlySet<ClientEvent> = new Set<ClientEvent>([
  "game:join",
  "game:peek",
  "cards:claim",
  "claims:close",
  "bingo:call",
  "bingo:auto",
  "round:auto",
  "round:pause",
  "round:resume",
  "push:register",
  "push:unregister",
  "app:state",
  "push:prefs",
  "player:name",
  "players:list",
  // The server answers a repeat with the same next game.
  "game:next",
]);

/** Answers that say this attempt did nothing: after an earlier OUTCOME_UNKNOWN they settle nothing. */
const NOTHING_DONE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["UNAVAILABLE", "RATE_LIMITED"]);
const MAX_OUTCOME_BACKOFF_MS = 4000;
/**
 * Connection refusals that may pass: the node holds its maximum of connections
 * (UNAVAILABLE), or this player its maximum of sockets there (RATE_LIMITED). Any other
 * refusal (a bad token, a forbidden origin) is final.
 */
const PASSING_REFUSALS: ReadonlySet<ErrorCode> = NOTHING_DONE;
const MAX_REFUSAL_BACKOFF_MS = 30_000;

/**
 * The typed client of the bingo server, for players, hosts, bots and tests.
 *
 * - every request resolves to the server's ack (`{ ok: true, ... }` or `{ ok: false, error }`),
 *   never rejects;
 * - OUTCOME_UNKNOWN (the request reached the store, its answer did not arrive in time) is
 *   settled here for requests that are safe to repeat — claims and bingo calls with their
 *   `requestId`, a draw with its `index`, and the idempotent events (RETRYABLE): they are
 *   sent again, with the same payload, after a backoff that doubles from `outcomeBackoffMs`
 *   (at most `outcomeRetries` times), and the first definitive answer is returned. An
 *   UNAVAILABLE or RATE_LIMITED after an OUTCOME_UNKNOWN settles nothing (that repeat did
 *   nothing, the first may have been done) and is retried the same way;
 * - a request still unsettled after its attempts resolves to OUTCOME_UNKNOWN if any attempt
 *   may have reached the server (sent with no ack, or answered OUTCOME_UNKNOWN), and to
 *   UNAVAILABLE only when none was sent. Events that are not safe to repeat (game:create,
 *   claims:open, round:start, round:end, a draw without index) return OUTCOME_UNKNOWN as
 *   they get it: `join` the game to see what happened;
 * - claims carry a `requestId` (made here unless given); retries reuse it, so a claim is
 *   granted at most once however often it is sent, to whichever node;
 * - after a reconnect it joins its games again and reports the fresh snapshots; a connect
 *   refused by a full node (UNAVAILABLE) or for this player's sockets there (RATE_LIMITED)
 *   is tried again after a backoff, which socket.io-client does not do by itself;
 * - `slots(gameId)` and `onSlots` only ever move to a higher version.
 */
export class BingoClient {
  readonly socket: ClientSocket;
  private readonly ackTimeoutMs: number;
  private readonly retries: number;
  private readonly outcomeRetries: number;
  private readonly outcomeBackoffMs: number;
  private readonly connectTimeoutMs: number;
  /**
   * Per-game state is keyed by the server's spelling of the code (normalGameId), as the
   * room's events name the game, so a code typed in lower case finds it too.
   */
  private readonly latest = new Map<string, SlotState>();
  private readonly games = new Set<string>();
  private readonly slotListeners = new Set<SlotListener>();
  private readonly resyncListeners = new Set<ResyncListener>();
  private readonly drawListeners = new Set<DrawListener>();
  private readonly nextListeners = new Set<NextGameListener>();
  /**
   * The grids of this player's cards per game, from claims and joins: a card's grid never
   * changes, so a re-join names these cards (`knownCards`) and the server leaves their grids out.
   */
  private readonly grids = new Map<string, Map<number, Grid>>();
  /** Balls drawn so far per joined game, in order, kept gap-free (a gap triggers a re-join). */
  private readonly balls = new Map<string, number[]>();
  private connectedOnce = false;
  private readonly urls: readonly string[];
  private urlIndex = 0;
  /** Refusals that may pass, in a row since the last connection: the backoff grows with them. */
  private refusals = 0;
  private refusalRetry: ReturnType<typeof setTimeout> | undefined;
  /** The last such refusal, for the error `open` gives up with. */
  private lastRefusal: ConnectError | null = null;
  /** close() was called, or open() gave up: no more attempts of our own. */
  private stopped = false;

  constructor(options: BingoClientOptions) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 5000;
    this.retries = options.retries ?? 3;
    this.outcomeRetries = options.outcomeRetries ?? 5;
    this.outcomeBackoffMs = options.outcomeBackoffMs ?? 250;
    this.connectTimeoutMs = options.connectTimeoutMs ?? FIRST_CONNECT_TIMEOUT_MS;
    this.urls = typeof options.url === "string" ? [options.url] : [...options.url];
    if (this.urls.length === 0) throw new TypeError("BingoClient needs at least one server URL");
    this.socket = io(this.urls[0], {
      transports: ["websocket"],
      autoConnect: false,
      timeout: CONNECT_ATTEMPT_TIMEOUT_MS,
      // One connection per client: failing over must not move another client's socket.
      forceNew: true,
      ...options.socketOptions,
      auth: authFrom(options.token),
    });
    if (this.urls.length > 1) this.socket.io.on("reconnect_attempt", () => this.nextUrl());
    this.socket.on("slots", ({ gameId, total, remaining, version }) => this.applySlots(gameId, { total, remaining, version }));
    this.socket.on("draw", ({ gameId, ball, index }) => this.applyDraw(gameId, ball, index));
    this.socket.on("game:next", (message) => this.announceNext(message));
    this.socket.on("connect", () => {
      this.refusals = 0;
      this.lastRefusal = null;
      if (this.connectedOnce) void this.rejoin();
      this.connectedOnce = true;
    });
    this.socket.on("connect_error", (error) => this.refused(error));
  }

  /** Creates a client and waits for its first connection. */
  static async connect(options: BingoClientOptions): Promise<BingoClient> {
    const client = new BingoClient(options);
    await client.open();
    return client;
  }

  /**
   * Connects, over as many attempts as it takes. Rejects with ConnectError: UNAUTHORIZED
   * (or another code) when the server refuses for good; when no connection was made within
   * `connectTimeoutMs`, with the code of the last refusal that may pass (a full node:
   * UNAVAILABLE; this player's sockets there: RATE_LIMITED), or UNAVAILABLE (the client then
   * stops trying).
   */
  open(): Promise<void> {
    this.stopped = false;
    return new Promise((resolve, reject) => {
      const settle = (error?: ConnectError): void => {
        clearTimeout(timer);
        this.socket.off("connect", onConnect);
        this.socket.off("connect_error", onError);
        if (!error) return resolve();
        this.stop();
        reject(error);
      };
      const onConnect = (): void => settle();
      const onError = (error: Error & { data?: unknown }): void => {
        const refusal = refusalOf(error);
        // A final refusal ends it; one that may pass, and a network error, are tried again.
        if (refusal && !PASSING_REFUSALS.has(refusal.code)) settle(refusal);
      };
      const giveUp = (): void => {
        const last = this.lastRefusal ? ` (the last refusal: ${this.lastRefusal.message})` : "";
        settle(new ConnectError(this.lastRefusal?.code ?? "UNAVAILABLE", `could not connect within ${this.connectTimeoutMs} ms${last}`));
      };
      // No deadline for Infinity (setTimeout would fire at once for it).
      const timer = Number.isFinite(this.connectTimeoutMs) ? setTimeout(giveUp, this.connectTimeoutMs) : undefined;
      this.socket.on("connect", onConnect);
      this.socket.on("connect_error", onError);
      this.socket.connect();
    });
  }

  close(): void {
    this.stop();
  }

  private stop(): void {
    this.stopped = true;
    clearTimeout(this.refusalRetry);
    this.socket.disconnect();
  }

  /**
   * socket.io-client never tries again after a refusal by the server's middleware, so a
   * client refused on a reconnect (a full node, while a killed node's clients move) would
   * stay offline for good. A refusal that may pass is tried again here: this engine
   * connection is closed (the node counts it toward its maximum until it goes), and a new
   * one opened after a backoff, to the next URL when there are several.
   */
  private refused(error: Error): void {
    const refusal = refusalOf(error);
    if (!refusal || !PASSING_REFUSALS.has(refusal.code) || this.stopped) return;
    this.lastRefusal = refusal;
    this.socket.disconnect();
    clearTimeout(this.refusalRetry);
    this.refusalRetry = setTimeout(() => {
      if (this.stopped) return;
      if (this.urls.length > 1) this.nextUrl();
      this.socket.connect();
    }, this.refusalBackoff(this.refusals++));
  }

  /** From the manager's reconnection delay, doubling, capped, with jitter so clients refused together do not return together. */
  private refusalBackoff(attempt: number): number {
    const ceiling = Math.min(MAX_REFUSAL_BACKOFF_MS, this.socket.io.reconnectionDelay() * 2 ** attempt);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  createGame(payload: PayloadOf<"game:create"> = {}) {
    return this.request("game:create", payload);
  }

  openClaims(payload: PayloadOf<"claims:open">) {
    return this.request("claims:open", payload);
  }

  closeClaims(gameId: string) {
    return this.request("claims:close", { gameId });
  }

  /**
   * The game's snapshot without joining it: for an app woken by a push in the background,
   * which stays in the background (its pushes go on) and follows no room events.
   */
  peek(gameId: string) {
    return this.request("game:peek", { gameId });
  }

  /** Joins a game's room; the client re-joins it by itself after a reconnect. */
  async join(gameId: string): Promise<Ack<Joined>> {
    const joined = await this.joinGame(gameId);
    if (joined.ok) {
      // The server's spelling of the code (it reads codes in any case): events carry that one.
      this.games.add(joined.game.id);
      this.applySnapshot(joined.game);
      const { id, next } = joined.game;
      // A game that already has a next one: the listeners hear it as if live, once the
      // caller has had this answer (a task later, not a microtask: after its await resumes).
      if (next) setTimeout(() => this.announceNext({ from: id, to: next }), 0);
    }
    return joined;
  }

  /**
   * The host starts the game after a finished one, with the same settings: the answer is
   * the next game's id (the same one if it was started before). The finished game's room
   * hears `game:next`.
   */
  nextGame(gameId: string) {
    return this.request("game:next", { gameId });
  }

  /**
   * Calls `listener` when a joined game has a next game: on the room's `game:next`, and on
   * joining (or re-joining) a finished game that already has one. Returns the unsubscriber.
   * Following is the app's choice: `join(message.to)`, or open its page.
   */
  onNextGame(listener: NextGameListener): () => void {
    this.nextListeners.add(listener);
    return () => this.nextListeners.delete(listener);
  }

  private announceNext(message: NextGameMessage): void {
    for (const listener of this.nextListeners) listener(message);
  }

  startRound(gameId: string) {
    return this.request("round:start", { gameId });
  }

  /**
   * Draws the next ball. When this client knows the game's draws (it joined), it names the
   * index it expects, so a retried draw returns the same ball instead of drawing another.
   */
  async draw(gameId: string): Promise<Ack<AckOf<"round:draw">>> {
    const known = this.balls.get(normalGameId(gameId));
    const drawn = await this.request("round:draw", known ? { gameId, index: known.length } : { gameId });
    if (drawn.ok) this.applyDraw(normalGameId(gameId), drawn.ball, drawn.index);
    return drawn;
  }

  autoDraw(gameId: string, intervalMs: number | null) {
    return this.request("round:auto", { gameId, intervalMs });
  }

  pause(gameId: string) {
    return this.request("round:pause", { gameId });
  }

  resume(gameId: string) {
    return this.request("round:resume", { gameId });
  }

  endGame(gameId: string) {
    return this.request("round:end", { gameId });
  }

  /** Calls bingo for one card. Pass the same `requestId` to repeat a call safely. */
  callBingo(gameId: string, cardId: number, requestId: string = uuidv4()) {
    return this.request("bingo:call", { gameId, cardId, requestId });
  }

  /** Lets the server call bingo for this player's cards (on by default). */
  setAutoClaim(gameId: string, enabled: boolean) {
    return this.request("bingo:auto", { gameId, enabled });
  }

  /** Sets or changes this player's display name in the game (1-24 characters; see docs/protocol.md). */
  setName(gameId: string, name: string) {
    return this.request("player:name", { gameId, name });
  }

  /** Host only: a page of the game's players; pass the previous page's `next` as `cursor`. */
  listPlayers(gameId: string, cursor?: number, limit?: number) {
    return this.request("players:list", { gameId, ...(cursor === undefined ? {} : { cursor }), ...(limit === undefined ? {} : { limit }) });
  }

  /** Registers this device's FCM token: the server pushes to it while the app is in the background. */
  registerPush(token: string, platform: PayloadOf<"push:register">["platform"]) {
    return this.request("push:register", { token, platform });
  }

  unregisterPush(token: string) {
    return this.request("push:unregister", { token });
  }

  /**
   * Sets which kinds of push this player wants, and quiet hours (fields left out are kept;
   * `{}` reads the stored preferences). The ack carries the stored preferences.
   */
  setPushPrefs(prefs: PayloadOf<"push:prefs">) {
    return this.request("push:prefs", prefs);
  }

  /** Tells the server the app went to the background (push instead of the socket) or came back. */
  setAppState(state: PayloadOf<"app:state">["state"]) {
    return this.request("app:state", { state });
  }

  /** The balls drawn so far in a joined game, in order. */
  draws(gameId: string): readonly number[] {
    return this.balls.get(normalGameId(gameId)) ?? [];
  }

  /** Called with each new ball of a joined game, in order; returns an unsubscribe function. */
  onDraw(listener: DrawListener): () => void {
    this.drawListeners.add(listener);
    return () => this.drawListeners.delete(listener);
  }

  /** Claims `count` cards. Pass the same `requestId` to repeat a claim safely. */
  async claim(gameId: string, count: number, requestId: string = uuidv4()): Promise<Ack<Claimed>> {
    const claimed = await this.request("cards:claim", { gameId, count, requestId });
    // The ack is this player's count (the room's broadcast of it skips the claimer).
    if (claimed.ok) {
      this.applySlots(normalGameId(gameId), claimed.slots);
      this.keepGrids(normalGameId(gameId), claimed.cards);
    }
    return claimed;
  }

  /** The newest slot state seen for a game. */
  slots(gameId: string): SlotState | undefined {
    return this.latest.get(normalGameId(gameId));
  }

  /** Called with each newer slot state; returns an unsubscribe function. */
  onSlots(listener: SlotListener): () => void {
    this.slotListeners.add(listener);
    return () => this.slotListeners.delete(listener);
  }

  /** Called with the fresh snapshot of each game re-joined after a reconnect. */
  onResync(listener: ResyncListener): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  /**
   * Sends one event and resolves to its ack. Events safe to repeat are sent again, with the
   * same payload, when no ack arrives in time and when the answer is OUTCOME_UNKNOWN (after
   * a backoff); see the class comment for what the result then means.
   */
  async request<E extends ClientEvent>(event: E, payload: PayloadOf<E>): Promise<Ack<AckOf<E>>> {
    const repeatable = RETRYABLE.has(event) || (event === "round:draw" && (payload as PayloadOf<"round:draw">).index !== undefined);
    const unansweredAttempts = repeatable ? 1 + this.retries : 1;
    let unanswered = 0;
    let unknown = 0;
    /** Some attempt may have reached the server: from then on only a definitive answer settles it. */
    let mayBeDone = false;
    for (;;) {
      if (await this.connected()) {
        try {
          const timed = this.socket.timeout(this.ackTimeoutMs) as unknown as { emitWithAck(ev: string, p: unknown): Promise<Ack<AckOf<E>>> };
          const ack = await timed.emitWithAck(event, payload);
          if (ack.ok || !repeatable) return ack;
          if (ack.error.code !== "OUTCOME_UNKNOWN" && !(mayBeDone && NOTHING_DONE.has(ack.error.code))) return ack;
          mayBeDone = true;
          if (unknown >= this.outcomeRetries) break;
          await delay(this.outcomeBackoff(unknown++));
          continue;
        } catch {
          // No ack in time: the request may or may not have been applied; only a repeat tells.
          mayBeDone = true;
        }
      }
      if (++unanswered >= unansweredAttempts) break;
    }
    return mayBeDone
      ? { ok: false, error: protocolError("OUTCOME_UNKNOWN", `no definitive answer to ${event}; send it again (same requestId) or join the game to learn the outcome`) }
      : { ok: false, error: protocolError("UNAVAILABLE", `${event} could not be sent: not connected`) };
  }

  /** Doubling from `outcomeBackoffMs`, capped, with jitter so clients refused together do not return together. */
  private outcomeBackoff(attempt: number): number {
    const ceiling = Math.min(MAX_OUTCOME_BACKOFF_MS, this.outcomeBackoffMs * 2 ** attempt);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private connected(): Promise<boolean> {
    if (this.socket.connected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.socket.off("connect", onConnect);
        resolve(ok);
      };
      const onConnect = (): void => done(true);
      const timer = setTimeout(() => done(false), this.ackTimeoutMs);
      this.socket.on("connect", onConnect);
    });
  }

  /**
   * Points the next (re)connection at the next node. socket.io-client keeps one URL per
   * manager and reads it at every (re)open, so swapping it is how a manager fails over.
   */
  private nextUrl(): void {
    this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    (this.socket.io as unknown as { uri: string }).uri = this.urls[this.urlIndex];
  }

  private applySlots(gameId: string, slots: SlotState): void {
    const known = this.latest.get(gameId);
    if (known && slots.version <= known.version) return;
    this.latest.set(gameId, slots);
    for (const listener of this.slotListeners) listener(gameId, slots);
  }

  private applySnapshot(game: GameSnapshot): void {
    this.applySlots(game.id, game.slots);
    const known = this.balls.get(game.id) ?? [];
    const draws = game.round.draws;
    if (draws.length >= known.length) {
      this.balls.set(game.id, [...draws]);
      for (let index = known.length; index < draws.length; index++) {
        for (const listener of this.drawListeners) listener(game.id, draws[index], index);
      }
    }
  }

  private applyDraw(gameId: string, ball: number, index: number): void {
    const known = this.balls.get(gameId);
    if (!known || index < known.length) return;
    if (index > known.length) {
      // A draw message was missed (pub/sub is at-most-once): the snapshot fills the gap.
      void this.resync(gameId);
      return;
    }
    known.push(ball);
    for (const listener of this.drawListeners) listener(gameId, ball, index);
  }

  /**
   * `game:join`, naming the cards whose grids this client holds (at most MAX_PER_PLAYER; the
   * rest come with theirs), and the answer with every grid filled in from what it holds.
   */
  private async joinGame(gameId: string): Promise<Ack<Joined>> {
    const held = this.grids.get(normalGameId(gameId));
    const knownCards = held ? [...held.keys()].slice(0, MAX_PER_PLAYER) : [];
    const joined = await this.request("game:join", knownCards.length > 0 ? { gameId, knownCards } : { gameId });
    if (!joined.ok) return joined;
    const game = this.withGrids(joined.game);
    // Only the cards named are left out, and each was named from `held`.
    if (!game) return { ok: false, error: protocolError("INTERNAL", `the answer to game:join of ${gameId} left out a grid this client does not hold`) };
    return { ok: true, game };
  }

  /** The snapshot with the grids the answer left out taken from `grids`; null if one is not there. */
  private withGrids(game: JoinSnapshot): GameSnapshot | null {
    const held = this.grids.get(game.id);
    const myCards: Card[] = [];
    for (const { id, grid } of game.myCards) {
      const known = grid ?? held?.get(id);
      if (!known) return null;
      myCards.push({ id, grid: known });
    }
    this.keepGrids(game.id, myCards);
    return { ...game, myCards };
  }

  private keepGrids(gameId: string, cards: readonly Card[]): void {
    if (cards.length === 0) return;
    let held = this.grids.get(gameId);
    if (!held) this.grids.set(gameId, (held = new Map()));
    for (const card of cards) held.set(card.id, card.grid);
  }

  private async resync(gameId: string): Promise<void> {
    const joined = await this.joinGame(gameId);
    if (!joined.ok) return;
    this.applySnapshot(joined.game);
    for (const listener of this.resyncListeners) listener(joined.game);
  }

  private async rejoin(): Promise<void> {
    for (const gameId of this.games) await this.resync(gameId);
  }
}

/** The server's coded refusal carried by a `connect_error`, or null for a network error. */
function refusalOf(error: Error & { data?: unknown }): ConnectError | null {
  const data = error.data as Partial<ProtocolError> | undefined;
  return data && isErrorCode(data.code) ? new ConnectError(data.code, data.message ?? error.message) : null;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * socket.io-client's `auth`: a fixed token as it is, a provider through the callback form,
 * which socket.io-client calls at every (re)connect. A provider that fails sends no token:
 * the server then refuses with UNAUTHORIZED, which `open` reports.
 */
function authFrom(token: string | TokenProvider): Partial<ManagerOptions & SocketOptions>["auth"] {
  if (typeof token === "string") return { token };
  return (send: (data: object) => void) => {
    Promise.resolve()
      .then(token)
      .then(
        (fresh) => send({ token: fresh }),
        () => send({}),
      );
  };
}
