import { Announcer } from "../common/announcer";
import { syncBalls, showLastBall } from "../common/balls-view";
import { syncCards } from "../common/card-view";
import { byTestId, coalesce, setShown, setText } from "../common/dom";
import { showFinished } from "../common/finished-view";
import { phaseKey, phaseLabel } from "../common/format";
import { patternInPlay } from "../common/game-state";
import type { GameTracker } from "../common/game-tracker";
import { syncPatterns } from "../common/patterns-view";
import { syncWinners, yourWins } from "../common/winners-view";
import { BingoPanel } from "./bingo-panel";
import { ClaimPanel } from "./claim-panel";
import { completedCards } from "./completion";
import { ResultBanner, myWins, winningNumbers } from "./result-banner";

/** The joined game on the player's screen: renders the tracker's state whenever it moves. */
export class PlayerScreen {
  private readonly root = byTestId("game");
  private readonly title = byTestId("game-title");
  private readonly phase = byTestId("phase");
  private readonly patterns = this.root.querySelector(".patterns") as HTMLElement;
  private readonly lastBall = byTestId("last-ball");
  private readonly ballCaption = this.root.querySelector(".ball-caption") as HTMLElement;
  private readonly balls = byTestId("balls");
  private readonly cards = byTestId("cards");
  private readonly noCards = this.root.querySelector(".cards-panel .empty") as HTMLElement;
  private readonly winners = byTestId("winners");
  private readonly noWinners = this.root.querySelector(".winners-panel .empty") as HTMLElement;
  private readonly youWon = byTestId("you-won");
  private readonly finished = byTestId("finished");
  private readonly claims: ClaimPanel;
  private readonly bingo: BingoPanel;
  private readonly result = new ResultBanner();
  private readonly announcer = new Announcer();

  constructor(
    private readonly tracker: GameTracker,
    private readonly me: string | null,
  ) {
    this.claims = new ClaimPanel(tracker);
    this.bingo = new BingoPanel(tracker);
    tracker.onChange(coalesce(() => this.render()));
    this.root.hidden = false;
    this.render();
  }

  render(): void {
    const state = this.tracker.current;
    const draws = this.tracker.draws;
    document.title = `${state.title} · Bingo Live`;
    setText(this.title, state.title);
    setText(this.phase, phaseLabel(state.phase, state.paused));
    this.phase.dataset.phase = phaseKey(state.phase, state.paused);
    this.root.dataset.phase = phaseKey(state.phase, state.paused);
    syncPatterns(this.patterns, state);

    this.claims.render();

    showLastBall(this.lastBall, draws, state.variant, this.ballCaption);
    syncBalls(this.balls, draws, state.variant);

    const drawn = new Set(draws);
    const latest = draws.length > 0 ? draws[draws.length - 1] : null;
    const pattern = patternInPlay(state);
    const complete = new Set(completedCards(state, draws).map((card) => card.id));
    this.cards.dataset.variant = String(state.variant);
    const wins = myWins(state.awards, state.myWins);
    const winning = winningNumbers(state.cards, wins, draws);
    syncCards(this.cards, state.cards, state.variant, (card) => ({ drawn, latest, completes: complete.has(card.id) ? pattern : null, winning: winning.get(card.id) ?? null }));
    setShown(this.noCards, state.cards.length === 0);

    this.bingo.render();

    syncWinners(this.winners, state.awards, draws, this.me, state.currency);
    setShown(this.noWinners, state.awards.length === 0);
    const won = yourWins(wins, state.currency);
    setText(this.youWon, won ?? "");
    setShown(this.youWon, won !== null);

    this.result.update(state.awards, wins, state.cards.length > 0, state.currency);
    this.announcer.update(draws, state.awards, state.variant, { wins: state.myWins, holdsCards: state.cards.length > 0 });
    showFinished(this.finished, state);
  }
}
