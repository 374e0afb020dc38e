import type { ProtocolError } from "./codes";
import type {
  AppStatePayload,
  BingoAutoPayload,
  BingoCallPayload,
  CardsClaimPayload,
  ClaimsOpenPayload,
  GameCreatePayload,
  GameJoinPayload,
  GameRefPayload,
  PlayerNameSetPayload,
  PlayersListPayload,
  PushRegisterPayload,
  PushUnregisterPayload,
  RoundAutoPayload,
  RoundDrawPayload,
} from "./payloads";
import type {
  AwardNotice,
  CalledMessage,
  DrainingMessage,
  SessionExpiredMessage,
  Card,
  DrawMessage,
  FinishedMessage,
  GameSnapshot,
  JoinSnapshot,
  NextGameMessage,
  PatternName,
  PhaseMessage,
  PlayerRow,
  RoundState,
  SlotState,
  SlotsMessage,
  StatsMessage,
  WinnersMessage,
  WonMessage,
} from "./state";
import type { PushPrefs, PushPrefsPayload } from "./push-prefs";

/** Every ack is either `{ ok: true, ...body }` or `{ ok: false, error }`. */
export type Ack<T extends object = object> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: ProtocolError };
export type AckFn<T extends object> = (response: Ack<T>) => void;

/** `commitment`: lowercase hex SHA-256 of the seed's 32 bytes (the seed is revealed when the game finishes). */
export type GameCreated = { readonly gameId: string; readonly commitment: string };
export type SlotsBody = { readonly slots: SlotState };
export type Joined = { readonly game: GameSnapshot };
/** `game:join`'s answer: the snapshot, with the grids of the cards named in `knownCards` left out. */
export type JoinedGame = { readonly game: JoinSnapshot };
export type Claimed = { readonly cards: readonly Card[]; readonly slots: SlotState };
export type Drawn = { readonly ball: number; readonly index: number; readonly version: number };
export type RoundBody = { readonly round: RoundState };
export type Finished = { readonly seed: string; readonly results: readonly AwardNotice[] };
/** A valid call, recorded for the ball that completed the pattern; `winners` announces the prize. */
export type CallAccepted = { readonly pattern: PatternName; readonly ballIndex: number };
export type AutoClaim = { readonly enabled: boolean };
export type AppState = { readonly state: AppStatePayload["state"] };
/** The name as stored (NFC, trimmed). */
export type NameSet = { readonly name: string };
/** One page of players in the order they first got cards; `next` is the cursor of the next page, null after the last. */
export type PlayersPage = { readonly players: readonly PlayerRow[]; readonly total: number; readonly next: number | null };

/** Client → server. The ack is always the last argument. */
export interface ClientToServerEvents {
  "game:create": (payload: GameCreatePayload, ack: AckFn<GameCreated>) => void;
  "claims:open": (payload: ClaimsOpenPayload, ack: AckFn<SlotsBody>) => void;
  "claims:close": (payload: GameRefPayload, ack: AckFn<SlotsBody>) => void;
  "game:join": (payload: GameJoinPayload, ack: AckFn<JoinedGame>) => void;
  /** The snapshot of `game:join`, read-only: no room, no presence change (a backgrounded app keeps its pushes). */
  "game:peek": (payload: GameRefPayload, ack: AckFn<Joined>) => void;
  "cards:claim": (payload: CardsClaimPayload, ack: AckFn<Claimed>) => void;
  "round:start": (payload: GameRefPayload, ack: AckFn<RoundBody>) => void;
  "round:draw": (payload: RoundDrawPayload, ack: AckFn<Drawn>) => void;
  "round:auto": (payload: RoundAutoPayload, ack: AckFn<RoundBody>) => void;
  "round:pause": (payload: GameRefPayload, ack: AckFn<RoundBody>) => void;
  "round:resume": (payload: GameRefPayload, ack: AckFn<RoundBody>) => void;
  "round:end": (payload: GameRefPayload, ack: AckFn<Finished>) => void;
  "bingo:call": (payload: BingoCallPayload, ack: AckFn<CallAccepted>) => void;
  "bingo:auto": (payload: BingoAutoPayload, ack: AckFn<AutoClaim>) => void;
  "push:register": (payload: PushRegisterPayload, ack: AckFn<object>) => void;
  "push:unregister": (payload: PushUnregisterPayload, ack: AckFn<object>) => void;
  "app:state": (payload: AppStatePayload, ack: AckFn<AppState>) => void;
  /** Sets what this player wants pushed (fields left out are kept); the ack has the stored preferences. */
  "push:prefs": (payload: PushPrefsPayload, ack: AckFn<PushPrefs>) => void;
  /** Sets or changes the sender's display name in the game. */
  "player:name": (payload: PlayerNameSetPayload, ack: AckFn<NameSet>) => void;
  /** Host only: a page of the game's players (name, cards, presence, wins). */
  "players:list": (payload: PlayersListPayload, ack: AckFn<PlayersPage>) => void;
  /**
   * The host starts the game that follows a finished one, with the same settings; the
   * finished game's room is told (`game:next`). Once per game: again, the same next game.
   */
  "game:next": (payload: GameRefPayload, ack: AckFn<GameCreated>) => void;
}

/** Server → the clients in a game's room. */
export interface ServerToClientEvents {
  slots: (message: SlotsMessage) => void;
  "game:phase": (message: PhaseMessage) => void;
  draw: (message: DrawMessage) => void;
  winners: (message: WinnersMessage) => void;
  /** To a winning player's own sockets, just before `winners`: their winning cards. */
  "bingo:won": (message: WonMessage) => void;
  "game:finished": (message: FinishedMessage) => void;
  /** To the game's host only. */
  "game:stats": (message: StatsMessage) => void;
  /** To the game's host only. */
  "bingo:called": (message: CalledMessage) => void;
  /** To every socket of a node about to shut down: reconnect elsewhere. */
  "server:draining": (message: DrainingMessage) => void;
  /** To a socket whose token expired: its connection closes next; reconnect with a fresh token. */
  "session:expired": (message: SessionExpiredMessage) => void;
  /** The host started the next game after this finished one: follow to `to`. */
  "game:next": (message: NextGameMessage) => void;
}

export type ClientEvent = keyof ClientToServerEvents;
/** The ack body type of a client event. */
export type AckOf<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[1] extends AckFn<infer T> ? T : never;
export type PayloadOf<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0];
