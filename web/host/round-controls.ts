import { MAX_AUTO_INTERVAL_MS, MIN_AUTO_INTERVAL_MS } from "../../shared/protocol/payloads";
import type { GameTracker } from "../common/game-tracker";
import { byTestId, setText } from "../common/dom";
import type { Actions } from "./actions";
import { numberIn } from "./actions";
import { unawardedText } from "./unawarded";
import type { ErrorLine } from "./error-line";

/** Start, draw (by hand or on a timer), pause, resume and end; each enabled only when it applies. */
export class RoundControls {
  private readonly start = byTestId<HTMLButtonElement>("start-button");
  private readonly draw = byTestId<HTMLButtonElement>("draw-button");
  private readonly interval = byTestId<HTMLInputElement>("auto-interval");
  private readonly auto = byTestId<HTMLButtonElement>("auto-button");
  private readonly pause = byTestId<HTMLButtonElement>("pause-button");
  private readonly resume = byTestId<HTMLButtonElement>("resume-button");
  private readonly end = byTestId<HTMLButtonElement>("end-button");
  private readonly hint = byTestId("round-hint");
  private readonly endConfirm = byTestId<HTMLDialogElement>("end-confirm");
  private readonly endConfirmText = byTestId("end-confirm-text");

  constructor(
    private readonly tracker: GameTracker,
    private readonly actions: Actions,
    private readonly errors: ErrorLine,
  ) {
    const { client, id } = tracker;
    this.start.addEventListener("click", () => void actions.run("start", () => client.startRound(id)));
    this.draw.addEventListener("click", () => void actions.run("draw", () => client.draw(id)));
    this.auto.addEventListener("click", () => void this.toggleAuto());
    this.pause.addEventListener("click", () => void actions.run("pause", () => client.pause(id)));
    this.resume.addEventListener("click", () => void actions.run("resume", () => client.resume(id)));
    // Ending reveals the seed and awards nothing more: one click next to Pause must not do it.
    this.end.addEventListener("click", () => this.confirmEnd());
    this.endConfirm.addEventListener("close", () => {
      if (this.endConfirm.returnValue === "end") void actions.run("end", () => client.endGame(id));
    });
  }

  private confirmEnd(): void {
    this.endConfirm.returnValue = "";
    this.endConfirmText.textContent = unawardedText(this.tracker.current);
    this.endConfirm.showModal();
  }

  render(): void {
    const state = this.tracker.current;
    const running = state.phase === "running";
    const ballsLeft = this.tracker.draws.length < state.variant;
    const auto = state.autoIntervalMs !== null;
    const busy = (name: string): boolean => this.actions.isBusy(name);
    const slots = this.tracker.slots;
    // A round nobody holds a card for can only end with nothing won: wait for the first card.
    const cardsOut = slots.total - slots.remaining;
    const beforeRound = state.phase === "lobby" || state.phase === "claiming";
    this.start.disabled = !beforeRound || cardsOut === 0 || busy("start");
    setText(this.hint, beforeRound && cardsOut === 0 ? "Nobody holds a card yet: open claims and wait for the first card to start the round." : "");
    this.draw.disabled = !(running && !state.paused && ballsLeft) || busy("draw");
    this.auto.disabled = !(running && (auto || (!state.paused && ballsLeft))) || busy("auto");
    this.auto.textContent = auto ? "Stop auto-draw" : "Start auto-draw";
    this.auto.setAttribute("aria-pressed", String(auto));
    this.auto.classList.toggle("active", auto);
    this.interval.disabled = state.phase === "finished";
    this.pause.disabled = !(running && !state.paused) || busy("pause");
    this.resume.disabled = !(running && state.paused) || busy("resume");
    this.end.disabled = state.phase === "finished" || busy("end");
  }

  private async toggleAuto(): Promise<void> {
    const { client, id } = this.tracker;
    if (this.tracker.current.autoIntervalMs !== null) {
      await this.actions.run("auto", () => client.autoDraw(id, null));
      return;
    }
    const seconds = numberIn(this.interval);
    const intervalMs = seconds === null ? null : Math.round(seconds * 1000);
    if (intervalMs === null || intervalMs < MIN_AUTO_INTERVAL_MS || intervalMs > MAX_AUTO_INTERVAL_MS) {
      this.errors.invalid("Auto-draw interval must be between 0.25 and 600 seconds.");
      return;
    }
    await this.actions.run("auto", () => client.autoDraw(id, intervalMs));
  }
}
