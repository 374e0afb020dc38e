import type { Logger } from "pino";
import type { Award, AwardNotice, Finished, GameCreated, GameCreatePayload, GameSnapshot, JoinSnapshot, Phase, RoundBody, SlotState, SlotsMessage } from "../../shared/protocol";
import { DEFAULT_CURRENCY, DEFAULT_PATTERNS, protocolError } from "../../shared/protocol";
import type { CallAck, ClaimAck } from "../claims/claim-queue";
import type { ClaimEngine, TickFanout } from "../claims/claim-engine";
import { drawOrder } from "../domain/cards";
import { notYourGame, wrongPhase } from "../domain/game-errors";
import { commitmentOf } from "../domain/fair-random";
import { cardsByPlayer, noticeOf } from "../../shared/game/award-notice";
import type { Clock } from "../ports/clock";
import type { DrawResult, GameStore, PlayerPart, RoundControl, RoundOp, SharedGame, StoreResult } from "../ports/game-store";
import type { PlayerDirectory } from "../ports/push-ports";
import type { RoomBroadcast } from "../ports/room-broadcast";
import type { PushEvents } from "../push/push-events";
import { newGameId } from "./game-ids";
import type { GameCatalog } from "./game-rules";
import type { Joined, OnInstance } from "./join-batcher";
import { JoinBatcher } from "./join-batcher";
import { RoundConductor } from "./round-conductor";
import { newSeed } from "./seeds";
import { roundOf, snapshotOf, snapshotsOf } from "./snapshots";

export interface GameCoordinatorDeps {
  readonly store: GameStore;
  readonly catalog: GameCatalog;
  /**
   * Builds the claim engine around the coordinator's tick fan-out: the engine reports
   * what its ticks decided (slot states, calls, awards) back here, so it is made here.
   */
  readonly engine: (fanout: TickFanout) => ClaimEngine;
  readonly room: RoomBroadcast;
  readonly push: PushEvents;
  /** Joins put players in the game's push audience (a batch of joins: one write). */
  readonly directory: PlayerDirectory;
  readonly clock: Clock;
  /**
   * Times the join batches (TICK_MS apart). Not the game's clock: no rule depends on when a
   * join is read, and a test that moves the game's clock by hand still gets its joins answered.
   */
  readonly joinClock: Clock;
  /** Joins of one game read together: at most one batch per `tickMs`, of at most `maxPerTick` joins. */
  readonly joins: { readonly tickMs: number; readonly maxPerTick: number };
  readonly log: Logger;
  /** This node's id: the owner name of the auto-draw lease. */
  readonly nodeId: string;
  /** The claim window's grace after the next ball, for games created on this node. */
  readonly claimGraceMs: number;
  /** Unfinished games one host may have (MAX_GAMES_PER_HOST). */
  readonly maxGamesPerHost: number;
  /** Winners an award lists to rooms and in snapshots (AWARD_WINNERS_SHOWN); each winner is told of their own cards. */
  readonly winnersShown: number;
}

const DEFAULT_TITLE = "Bingo show";
const CREATE_ATTEMPTS = 5;
const READ_BACK_FAILED = "the change was made, but the round could not be read back in time; game:join shows the state";

/**
 * A game's life on this node, after boardgame.io's master: the store decides, this class
 * sequences what follows each decision (push, the claim engine, room events) and is the
 * one place each room event is emitted from. The Socket.IO handlers only check payloads,
 * call one method here and answer with its result.
 */
export class GameCoordinator {
  readonly engine: ClaimEngine;
  readonly conductor: RoundConductor;
  readonly joins: JoinBatcher<JoinSnapshot>;
  private readonly store: GameStore;
  private readonly catalog: GameCatalog;
  private readonly room: RoomBroadcast;
  private readonly push: PushEvents;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly options: Pick<GameCoordinatorDeps, "claimGraceMs" | "maxGamesPerHost" | "winnersShown">;

  constructor(deps: GameCoordinatorDeps) {
    this.store = deps.store;
    this.catalog = deps.catalog;
    this.room = deps.room;
    this.push = deps.push;
    this.clock = deps.clock;
    this.log = deps.log;
    this.options = { claimGraceMs: deps.claimGraceMs, maxGamesPerHost: deps.maxGamesPerHost, winnersShown: deps.winnersShown };
    this.engine = deps.engine(this.fanout);
    this.conductor = new RoundConductor(this.store, this.catalog, this.engine, this.room, this.clock, deps.nodeId);
    this.joins = new JoinBatcher(this.store, deps.directory, this.opened, deps.joinClock, deps.joins);
  }

  /** Creates a game with a fresh seed; a taken id is drawn again. */
  async create(hostId: string, payload: GameCreatePayload): Promise<StoreResult<GameCreated>> {
    const variant = payload.variant ?? 75;
    const patterns = payload.patterns ?? DEFAULT_PATTERNS[variant];
    const seed = newSeed();
    const commitment = commitmentOf(seed);
    const order = drawOrder(seed, variant);
    for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
      const gameId = newGameId();
      const created = await this.store.createGame(
        {
          id: gameId,
          hostId,
          title: payload.title ?? DEFAULT_TITLE,
          variant,
          seed,
          commitment,
          patterns,
          prizes: payload.prizes ?? patterns.map(() => 0),
          order,
          graceMs: this.options.claimGraceMs,
          recordIds: payload.recordIds ?? "sub",
          currency: payload.currency ?? DEFAULT_CURRENCY,
        },
        this.options.maxGamesPerHost,
      );
      if (created.ok) {
        this.log.info({ gameId, hostId, variant }, "game created");
        return { ok: true, value: { gameId, commitment } };
      }
      if (created.error.reason !== "game-id-taken") return created;
    }
    return { ok: false, error: protocolError("INTERNAL", "could not find a free game id") };
  }

  async openClaims(gameId: string, hostId: string, totalSlots: number, maxPerPlayer: number): Promise<StoreResult<SlotState>> {
    const opened = await this.store.openClaims(gameId, hostId, totalSlots, maxPerPlayer);
    if (!opened.ok) return opened;
    this.log.info({ gameId, totalSlots, maxPerPlayer }, "claims opened");
    // Push first: it then knows this state, and the count it is shared as is not pushed again.
    this.push.claimsOpened(gameId, opened.value);
    this.claimWindowChanged(gameId, "claiming", opened.value, maxPerPlayer);
    return opened;
  }

  async closeClaims(gameId: string, hostId: string): Promise<StoreResult<SlotState>> {
    const closed = await this.store.closeClaims(gameId, hostId);
    if (!closed.ok) return closed;
    this.log.info({ gameId, remaining: closed.value.remaining }, "claims closed");
    this.push.claimsClosed(gameId, closed.value);
    this.claimWindowChanged(gameId, "lobby", closed.value);
    return closed;
  }

  /**
   * The game as `playerId` sees it, for a socket that just joined its room; read with the
   * other joins of this game's tick (JoinBatcher). A player's join (`onInstance` given)
   * puts them in the game's push audience, filed under the node instance `onInstance()`
   * names when the batch is written; a host's (null) does not, and `hosting` says whether
   * they host it.
   */
  join(gameId: string, playerId: string, onInstance: OnInstance | null, knownCards?: readonly number[]): Promise<StoreResult<Joined<JoinSnapshot>>> {
    return this.joins.join(gameId, playerId, onInstance, knownCards);
  }

  /**
   * The snapshot without joining: no room, no engine or conductor state taken on (an app
   * woken by a push reads the game and stays backgrounded). The rules it needs are the
   * per-game cache's, which the idle sweep lets go like any other.
   */
  async peek(gameId: string, playerId: string): Promise<StoreResult<GameSnapshot>> {
    const view = await this.store.view(gameId, playerId);
    if (!view.ok) return view;
    const game = view.value;
    return { ok: true, value: snapshotOf(game, this.catalog.remember(game.id, game.variant, game.seed, game.patterns), this.options.winnersShown, playerId) };
  }

  /** Sockets joined the game's room on this node and it was read for them: its state now flows here. */
  private readonly opened = (game: SharedGame): ((part: PlayerPart, known: readonly number[] | undefined, playerId: string) => JoinSnapshot) => {
    const rules = this.catalog.remember(game.id, game.variant, game.seed, game.patterns);
    this.engine.offer(game.id, game.slots, false);
    if (game.phase === "running" && game.autoIntervalMs !== null) this.conductor.follow(game.id, game.autoIntervalMs);
    return snapshotsOf(game, rules, this.options.winnersShown);
  };

  /** A card claim for the next tick; the tick answers it. */
  claim(gameId: string, playerId: string, requestId: string, count: number, ack: ClaimAck): void {
    this.engine.enqueue(gameId, playerId, requestId, count, ack);
  }

  /** A bingo call for the next tick (judged against the card's completions); the tick answers it. */
  async call(gameId: string, playerId: string, requestId: string, cardId: number, ack: NonNullable<CallAck>): Promise<void> {
    const rules = await this.catalog.load(gameId);
    if (!rules.ok) return ack(rules);
    this.engine.call(gameId, playerId, requestId, cardId, rules.value.completions(cardId), ack);
  }

  setAutoClaim(gameId: string, playerId: string, enabled: boolean): Promise<StoreResult<void>> {
    return this.store.setAutoClaim(gameId, playerId, enabled);
  }

  /** The player's display name in the game (validated by the payload schema); awards made later carry it. */
  setName(gameId: string, playerId: string, name: string): Promise<StoreResult<void>> {
    return this.store.setName(gameId, playerId, name);
  }

  async startRound(gameId: string, hostId: string): Promise<StoreResult<RoundBody>> {
    const started = await this.store.startRound(gameId, hostId);
    if (!started.ok) return started;
    const { slots, roundVersion } = started.value;
    this.log.info({ gameId, cards: slots.total - slots.remaining }, "round started");
    this.push.roundStarted(gameId, slots);
    this.engine.offer(gameId, slots, true);
    this.room.phase({ gameId, phase: "running", paused: false, autoIntervalMs: null, version: roundVersion });
    return this.roundNow(gameId, hostId);
  }

  draw(gameId: string, hostId: string, expectedIndex: number | null): Promise<StoreResult<DrawResult>> {
    return this.conductor.draw(gameId, { hostId }, expectedIndex);
  }

  /** Pause, resume, or set auto-draw. */
  async controlRound(gameId: string, hostId: string, op: RoundOp): Promise<StoreResult<RoundBody>> {
    const changed = await this.store.controlRound(gameId, hostId, op);
    if (!changed.ok) return changed;
    if (op.op === "auto") this.conductor.setAuto(gameId, op.intervalMs);
    this.roundChanged(gameId, changed.value);
    return this.roundNow(gameId, hostId);
  }

  /** The host ends the game: a pending award is made first. The answer lists each award's first winners. */
  async finish(gameId: string, hostId: string): Promise<StoreResult<Finished>> {
    const finished = await this.store.finishGame(gameId, hostId);
    if (!finished.ok) return finished;
    const { seed, awards, roundVersion, awardedNow } = finished.value;
    this.log.info({ gameId, awards: awards.length }, "game ended by the host");
    if (awardedNow) this.awarded(gameId, awards[awards.length - 1], roundVersion);
    this.finished(gameId, seed, awards, roundVersion);
    return { ok: true, value: { seed, results: this.notices(awards) } };
  }

  /**
   * The host starts the game after a finished one, with its settings (title, variant,
   * patterns, prizes, currency, record ids): the finished game remembers it (snapshot
   * `next`), its room is told (`game:next`) and its away players are pushed. Once per
   * game: asked again (a retry, a second console) the answer is the same next game, and
   * the room is told again (a page that missed it follows then); only the first is pushed.
   */
  async next(gameId: string, hostId: string): Promise<StoreResult<GameCreated>> {
    const view = await this.store.view(gameId, hostId);
    if (!view.ok) return view;
    const game = view.value;
    if (game.hostId !== hostId) return { ok: false, error: notYourGame() };
    if (game.phase !== "finished") return { ok: false, error: wrongPhase(game.phase) };
    if (game.next !== null) return this.nextAgain(gameId, game.next);
    const created = await this.create(hostId, {
      title: game.title,
      variant: game.variant,
      patterns: [...game.patterns],
      prizes: [...game.prizes],
      recordIds: game.recordIds,
      currency: game.currency,
    });
    if (!created.ok) return created;
    const linked = await this.store.linkNextGame(gameId, hostId, created.value.gameId);
    if (!linked.ok) return linked;
    // Another console was first: the game made here stays unused and expires.
    if (linked.value !== created.value.gameId) return this.nextAgain(gameId, linked.value);
    this.log.info({ gameId, next: linked.value }, "next game started");
    this.room.next({ from: gameId, to: linked.value });
    this.push.nextGame(gameId, linked.value);
    return created;
  }

  private async nextAgain(gameId: string, nextId: string): Promise<StoreResult<GameCreated>> {
    const view = await this.store.view(nextId, "");
    if (!view.ok) return view;
    this.room.next({ from: gameId, to: nextId });
    return { ok: true, value: { gameId: nextId, commitment: view.value.commitment } };
  }

  /** What the engine's ticks decided, sent on: slot states, accepted calls, awards. */
  private readonly fanout: TickFanout = {
    emitLocal: (gameId, latest, done) => {
      // Stamped when this node first sends the state: a later part's delivery time includes its wait.
      let state: SlotState | null = null;
      let message!: SlotsMessage;
      this.room.slots(
        gameId,
        () => {
          const newest = latest();
          if (newest !== state) {
            state = newest;
            message = { gameId, ...newest, at: this.clock.now() };
          }
          return message;
        },
        done,
      );
    },
    share: (gameId, state) => {
      this.room.shareSlots(gameId, state);
      this.push.slotsMoved(gameId, state);
    },
    called: (message) => this.room.called(message),
    awarded: (gameId, award, version, finished) => {
      this.awarded(gameId, award, version);
      void this.afterAward(gameId, finished);
    },
  };

  /**
   * Each winning player hears of their own cards first, then the room gets the award with its
   * first winners: a page that learns of the award already knows whether it won.
   */
  private awarded(gameId: string, award: Award, version: number): void {
    const { pattern, ballIndex, prizeEach } = award;
    const { winners, winnerCount } = noticeOf(award, this.options.winnersShown);
    this.room.awarded({ gameId, pattern, ballIndex, winners, winnerCount, prizeEach, version }, cardsByPlayer(award.winners));
    this.push.won(gameId, award);
  }

  /** The game finished (its last prize was awarded, or the host ended it): the seed is revealed. */
  private finished(gameId: string, seed: string, awards: readonly Award[], version: number): void {
    this.conductor.forget(gameId);
    this.push.finished(gameId, seed);
    this.room.phase({ gameId, phase: "finished", version });
    this.room.finished({ gameId, seed, results: this.notices(awards), version });
  }

  /** The awards as clients get them: each with its first winners (AWARD_WINNERS_SHOWN). */
  private notices(awards: readonly Award[]): AwardNotice[] {
    return awards.map((award) => noticeOf(award, this.options.winnersShown));
  }

  /** After an award made here: reveal the seed if the game finished, else start auto-claims for the next pattern. */
  private async afterAward(gameId: string, finished: boolean): Promise<void> {
    const view = await this.store.view(gameId, "");
    if (!view.ok) return;
    const { seed, awards, roundVersion, pattern, drawn } = view.value;
    if (finished) {
      this.log.info({ gameId, awards: awards.length }, "game finished");
      this.finished(gameId, seed, awards, roundVersion);
    } else {
      await this.conductor.patternStarted(gameId, pattern, drawn - 1);
    }
  }

  private claimWindowChanged(gameId: string, phase: Phase, slots: SlotState, maxPerPlayer?: number): void {
    this.engine.offer(gameId, slots, true);
    this.room.phase(maxPerPlayer === undefined ? { gameId, phase } : { gameId, phase, maxPerPlayer });
  }

  private roundChanged(gameId: string, { paused, autoIntervalMs, roundVersion }: RoundControl): void {
    this.room.phase({ gameId, phase: "running", paused, autoIntervalMs, version: roundVersion });
  }

  /** The round as `hostId` sees it after a change the store made: if reading it back fails, the change is still made, so never UNAVAILABLE. */
  private async roundNow(gameId: string, hostId: string): Promise<StoreResult<RoundBody>> {
    const [view, rules] = await Promise.all([this.store.view(gameId, hostId), this.catalog.load(gameId)]);
    if (view.ok && rules.ok) return { ok: true, value: { round: roundOf(view.value, rules.value, this.options.winnersShown) } };
    return { ok: false, error: protocolError("OUTCOME_UNKNOWN", READ_BACK_FAILED) };
  }
}
