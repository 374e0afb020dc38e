import type { ProtocolError } from "./codes";
import type { CardsClaimPayload, ClaimsOpenPayload, GameCreatePayload, GameRefPayload } from "./payloads";
import type { Card, GameSnapshot, PhaseMessage, SlotState, SlotsMessage } from "./state";

/** Every ack is either `{ ok: true, ...body }` or `{ ok: false, error }`. */
export type Ack<T extends object = object> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: ProtocolError };
export type AckFn<T extends object> = (response: Ack<T>) => void;

export type GameCreated = { readonly gameId: string };
export type SlotsBody = { readonly slots: SlotState };
export type Joined = { readonly game: GameSnapshot };
export type Claimed = { readonly cards: readonly Card[]; readonly slots: SlotState };

/** Client → server. The ack is always the last argument. */
export interface ClientToServerEvents {
  "game:create": (payload: GameCreatePayload, ack: AckFn<GameCreated>) => void;
  "claims:open": (payload: ClaimsOpenPayload, ack: AckFn<SlotsBody>) => void;
  "claims:close": (payload: GameRefPayload, ack: AckFn<SlotsBody>) => void;
  "game:join": (payload: GameRefPayload, ack: AckFn<Joined>) => void;
  "cards:claim": (payload: CardsClaimPayload, ack: AckFn<Claimed>) => void;
}

/** Server → the clients in a game's room. */
export interface ServerToClientEvents {
  slots: (message: SlotsMessage) => void;
  "game:phase": (message: PhaseMessage) => void;
}

export type ClientEvent = keyof ClientToServerEvents;
/** The ack body type of a client event. */
export type AckOf<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[1] extends AckFn<infer T> ? T : never;
export type PayloadOf<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0];
