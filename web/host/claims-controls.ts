import type { GameTracker } from "../common/game-tracker";
import { byTestId } from "../common/dom";
import type { Actions } from "./actions";
import { integerIn } from "./actions";
import type { ErrorLine } from "./error-line";

/** Opening (or reopening) and closing the claim window. */
export class ClaimsControls {
  private readonly total = byTestId<HTMLInputElement>("total-slots");
  private readonly max = byTestId<HTMLInputElement>("max-per-player");
  private readonly open = byTestId<HTMLButtonElement>("open-button");
  private readonly close = byTestId<HTMLButtonElement>("close-button");
  private prefilled = false;

  constructor(
    private readonly tracker: GameTracker,
    private readonly actions: Actions,
    private readonly errors: ErrorLine,
  ) {
    (this.open.form as HTMLFormElement).addEventListener("submit", (event) => {
      event.preventDefault();
      if (!this.open.disabled) void this.openClaims();
    });
    this.close.addEventListener("click", () => void this.actions.run("close", () => this.tracker.client.closeClaims(this.tracker.id)));
  }

  render(): void {
    const state = this.tracker.current;
    const slots = this.tracker.slots;
    if (!this.prefilled && state.maxPerPlayer > 0 && slots.version > 0) {
      // Reopening keeps the last window's figures unless the host changes them. Only once
      // the window's slot state is here: the phase message comes first, and prefilling from
      // an unknown total wrote 1 over what the host had typed.
      this.prefilled = true;
      this.total.value = String(slots.total);
      this.max.value = String(state.maxPerPlayer);
    }
    const lobby = state.phase === "lobby";
    this.open.disabled = !lobby || this.actions.isBusy("open");
    this.close.disabled = state.phase !== "claiming" || this.actions.isBusy("close");
    this.total.disabled = this.max.disabled = !lobby;
  }

  private async openClaims(): Promise<void> {
    const totalSlots = integerIn(this.total);
    const maxPerPlayer = integerIn(this.max);
    if (totalSlots === null || maxPerPlayer === null) {
      this.errors.invalid("Total slots and max per player must be whole numbers.");
      return;
    }
    await this.actions.run("open", () => this.tracker.client.openClaims({ gameId: this.tracker.id, totalSlots, maxPerPlayer }));
  }
}
