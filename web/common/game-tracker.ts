import type { BingoClient } from "../../shared/client/bingo-client";
import type { Ack, Joined } from "../../shared/protocol/events";
import type { Card, GameSnapshot, SlotState } from "../../shared/protocol/state";
import type { GameState } from "./game-state";
import { fromSnapshot, mergeSnapshot, withCards, withFinished, withPhase, withWinners, withWon } from "./game-state";

type Listener = (state: GameState) => void;

/**
 * Follows one joined game: keeps its state current from the room's events, the SDK's
 * slots and draws, and the snapshots of re-joins, and tells the page when anything moved.
 */
export class GameTracker {
  private state: GameState;
  private readonly listeners = new Set<Listener>();

  constructor(
    readonly client: BingoClient,
    snapshot: GameSnapshot,
  ) {
    this.state = fromSnapshot(snapshot);
    const id = snapshot.id;
    const socket = client.socket;
    client.onSlots((gameId) => gameId === id && this.changed());
    client.onDraw((gameId) => gameId === id && this.changed());
    client.onResync((game) => game.id === id && this.apply(game));
    socket.on("game:phase", (message) => message.gameId === id && this.set(withPhase(this.state, message)));
    socket.on("game:finished", (message) => message.gameId === id && this.set(withFinished(this.state, message)));
    socket.on("bingo:won", (message) => message.gameId === id && this.set(withWon(this.state, message)));
    socket.on("winners", (message) => {
      if (message.gameId !== id) return;
      const next = withWinners(this.state, message);
      if (next) this.set(next);
      else void this.refresh(); // an earlier award was missed
    });
  }

  get id(): string {
    return this.state.id;
  }

  get current(): GameState {
    return this.state;
  }

  /** The newest slot state (the SDK only ever moves it to a higher version). */
  get slots(): SlotState {
    return this.client.slots(this.state.id) ?? { total: 0, remaining: 0, version: 0 };
  }

  get draws(): readonly number[] {
    return this.client.draws(this.state.id);
  }

  onChange(listener: Listener): void {
    this.listeners.add(listener);
  }

  /** Joins again and renders the snapshot: after the app comes back, or to learn new claim limits. */
  async refresh(): Promise<Ack<Joined>> {
    const joined = await this.client.join(this.state.id);
    if (joined.ok) this.apply(joined.game);
    return joined;
  }

  addCards(cards: readonly Card[]): void {
    this.set(withCards(this.state, cards));
  }

  setAutoClaim(enabled: boolean): void {
    this.set({ ...this.state, autoClaim: enabled });
  }

  private apply(game: GameSnapshot): void {
    this.set(mergeSnapshot(this.state, game, this.slots.version));
  }

  private set(next: GameState): void {
    if (next === this.state) return;
    this.state = next;
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener(this.state);
  }
}
