import type { GameTracker } from "../common/game-tracker";
import { byTestId } from "../common/dom";
import type { Actions } from "./actions";
import { integerIn } from "./actions";
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
    this.end.addEventListener("click", () => void actions.run("end", () => client.endGame(id)));
  }

  render(): void {
    const state = this.tracker.current;
    const running = state.phase === "running";
    const ballsLeft = this.tracker.draws.length < state.variant;
    const auto = state.autoIntervalMs !== null;
    const busy = (name: string): boolean => this.actions.isBusy(name);
    this.start.disabled = !(state.phase === "lobby" || state.phase === "claiming") || busy("start");
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
    const intervalMs = integerIn(this.interval);
    if (intervalMs === null) {
      this.errors.show({ code: "BAD_REQUEST", message: "Auto-draw interval must be a whole number of milliseconds (250–600000)." });
      return;
    }
    await this.actions.run("auto", () => client.autoDraw(id, intervalMs));
  }
}
