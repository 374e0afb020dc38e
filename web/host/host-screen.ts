import { Announcer } from "../common/announcer";
import { syncBalls, showLastBall } from "../common/balls-view";
import { byTestId, coalesce, setShown, setText } from "../common/dom";
import { showFinished } from "../common/finished-view";
import { phaseKey, phaseLabel } from "../common/format";
import { pageUrl } from "../common/session";
import type { GameTracker } from "../common/game-tracker";
import { syncPatterns } from "../common/patterns-view";
import { syncWinners } from "../common/winners-view";
import { Actions } from "./actions";
import { CallLog } from "./call-log";
import { ClaimsControls } from "./claims-controls";
import type { ErrorLine } from "./error-line";
import { RoundControls } from "./round-controls";
import { StatsPanel } from "./stats-panel";
import { showPlayerQr } from "./player-qr";
import { setupNextGame } from "./next-game";

/** The console of one game: what players see, plus the controls and live figures. */
export class HostScreen {
  private readonly root = byTestId("console");
  private readonly title = this.root.querySelector(".console-title") as HTMLElement;
  private readonly phase = byTestId("phase");
  private readonly patterns = this.root.querySelector(".patterns") as HTMLElement;
  private readonly lastBall = byTestId("last-ball");
  private readonly ballCaption = this.root.querySelector(".ball-caption") as HTMLElement;
  private readonly balls = byTestId("balls");
  private readonly winners = byTestId("winners");
  private readonly noWinners = this.root.querySelector(".winners-panel .empty") as HTMLElement;
  private readonly finished = byTestId("finished");
  private readonly claims: ClaimsControls;
  private readonly round: RoundControls;
  private readonly stats: StatsPanel;
  private readonly announcer = new Announcer();

  constructor(
    private readonly tracker: GameTracker,
    errors: ErrorLine,
  ) {
    const render = coalesce(() => this.render());
    const actions = new Actions(errors, render, () => tracker.refresh());
    this.claims = new ClaimsControls(tracker, actions, errors);
    this.round = new RoundControls(tracker, actions, errors);
    setupNextGame(tracker, errors);
    this.stats = new StatsPanel(tracker);
    new CallLog(tracker);
    this.showShare();
    tracker.onChange(render);
    this.root.hidden = false;
    this.render();
  }

  private showShare(): void {
    const { id, commitment } = this.tracker.current;
    setText(byTestId("game-code"), id);
    setText(byTestId("commitment"), commitment);
    const link = byTestId<HTMLAnchorElement>("player-link");
    link.href = `/play/${encodeURIComponent(id)}`;
    link.textContent = link.href;
    showPlayerQr(byTestId("player-qr"), link.href);
    // The screen signs in as this host (same browser, or the same ?token=).
    byTestId<HTMLAnchorElement>("screen-link").href = pageUrl(`/screen/${encodeURIComponent(id)}`);
    const copy = this.root.querySelector<HTMLButtonElement>(".copy-link");
    if (!copy) return;
    // The clipboard API exists only in secure contexts (https or localhost).
    if (!navigator.clipboard) return copy.remove();
    copy.addEventListener("click", () => {
      void navigator.clipboard.writeText(link.href).then(
        () => setText(copy, "Copied"),
        () => setText(copy, "Copy failed"),
      );
      setTimeout(() => setText(copy, "Copy"), 2000);
    });
  }

  render(): void {
    const state = this.tracker.current;
    const draws = this.tracker.draws;
    document.title = `${state.title} · Host · Bingo Live`;
    setText(this.title, state.title);
    setText(this.phase, phaseLabel(state.phase, state.paused));
    this.phase.dataset.phase = phaseKey(state.phase, state.paused);
    this.root.dataset.phase = phaseKey(state.phase, state.paused);
    syncPatterns(this.patterns, state);
    this.claims.render();
    this.stats.render();
    this.round.render();
    showLastBall(this.lastBall, draws, state.variant, this.ballCaption);
    syncBalls(this.balls, draws, state.variant);
    syncWinners(this.winners, state.awards, draws, null, state.currency);
    this.announcer.update(draws, state.awards, state.variant);
    setShown(this.noWinners, state.awards.length === 0);
    showFinished(this.finished, state);
  }
}
