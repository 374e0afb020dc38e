import type { Card } from "../../shared/protocol/state";
import type { GameTracker } from "../common/game-tracker";
import { byTestId, setText } from "../common/dom";
import { errorText, patternLabel } from "../common/format";
import { completedCards } from "./completion";

/** Auto-claim switch and the "Bingo!" button, lit only when a card completes the pattern in play. */
export class BingoPanel {
  private readonly auto = byTestId<HTMLInputElement>("auto-claim");
  private readonly button = byTestId<HTMLButtonElement>("bingo-button");
  private readonly result = byTestId("bingo-result");
  private calling = false;
  private switching = false;
  /** "patternIndex:cardId" already called, so a second press tries another complete card first. */
  private readonly called = new Set<string>();

  constructor(private readonly tracker: GameTracker) {
    this.auto.addEventListener("change", () => void this.switchAuto(this.auto.checked));
    this.button.addEventListener("click", () => void this.call());
  }

  render(): void {
    const state = this.tracker.current;
    if (!this.switching) this.auto.checked = state.autoClaim;
    this.auto.disabled = this.switching || state.phase === "finished";
    const ready = completedCards(state, this.tracker.draws).length > 0;
    this.button.disabled = this.calling || !ready;
    this.button.classList.toggle("ready", ready);
  }

  private async switchAuto(enabled: boolean): Promise<void> {
    this.switching = true;
    this.render();
    const answer = await this.tracker.client.setAutoClaim(this.tracker.id, enabled);
    this.switching = false;
    if (answer.ok) {
      this.tracker.setAutoClaim(answer.enabled);
      setText(this.result, answer.enabled ? "The server will call bingo for you." : "Auto-claim is off: press Bingo! yourself when a card is complete.");
    } else {
      setText(this.result, `Could not change auto-claim — ${errorText(answer.error)}`);
    }
    this.render();
  }

  private async call(): Promise<void> {
    const state = this.tracker.current;
    const card = this.pick(completedCards(state, this.tracker.draws), state.pattern);
    if (!card || this.calling) return;
    this.called.add(`${state.pattern}:${card.id}`);
    this.calling = true;
    this.render();
    setText(this.result, `Calling bingo for card ${card.id}…`);
    const answer = await this.tracker.client.callBingo(this.tracker.id, card.id);
    this.calling = false;
    this.result.dataset.outcome = answer.ok ? "accepted" : answer.error.code;
    setText(
      this.result,
      answer.ok
        ? `Bingo! Your ${patternLabel(answer.pattern).toLowerCase()} on card ${card.id} counts — the prize is announced in a moment.`
        : answer.error.code === "INVALID_CLAIM"
          ? `Not accepted for card ${card.id}: an earlier ball completed this ${state.patterns[state.pattern] ? patternLabel(state.patterns[state.pattern]).toLowerCase() : "pattern"} first, or the call came too late.`
          : errorText(answer.error),
    );
    this.render();
  }

  private pick(cards: readonly Card[], pattern: number): Card | undefined {
    return cards.find((card) => !this.called.has(`${pattern}:${card.id}`)) ?? cards[0];
  }
}
