import { patternNumbers } from "../../shared/game/patterns";
import type { Card, PatternName, PlayerWin } from "../../shared/protocol/state";
import { byTestId, setShown, setText } from "../common/dom";
import { money, patternLabel } from "../common/format";
import type { AwardView } from "../common/game-state";

/** One of this player's wins: which card, with which pattern, for how much. */
export interface MyWin {
  readonly cardId: number;
  readonly pattern: PatternName;
  readonly ballIndex: number;
  readonly prizeEach: number;
}

/** The player's wins (GameState.myWins) of the awards the page knows, with the ball each was won on. */
export function myWins(awards: readonly AwardView[], wins: readonly PlayerWin[]): MyWin[] {
  return wins.flatMap((win) => {
    const award = awards.find((a) => a.pattern === win.pattern);
    return award ? [{ cardId: win.cardId, pattern: win.pattern, ballIndex: award.ballIndex, prizeEach: win.prizeEach }] : [];
  });
}

/** Per winning card, the numbers of the pattern it won with (its latest win), to light up. */
export function winningNumbers(cards: readonly Card[], wins: readonly MyWin[], draws: readonly number[]): Map<number, ReadonlySet<number>> {
  const byCard = new Map<number, ReadonlySet<number>>();
  for (const win of wins) {
    const card = cards.find((c) => c.id === win.cardId);
    if (card) byCard.set(card.id, patternNumbers(card.grid, win.pattern, draws.slice(0, win.ballIndex + 1)));
  }
  return byCard;
}

/**
 * The moment an award is announced, in view whatever the page's scroll: "You won" for the
 * winner (with a vibration where the phone has one), "Not this time" for a player whose
 * cards did not win it. Each award is announced once, and each win: a win heard after its
 * award (a resync) turns "Not this time" into "You won". The player dismisses it.
 */
export class ResultBanner {
  private readonly banner = byTestId("result-banner");
  private readonly text = byTestId("result-text");
  private announced: number | null = null;
  private readonly announcedWins = new Set<string>();

  constructor() {
    byTestId("result-dismiss").addEventListener("click", () => setShown(this.banner, false));
  }

  /** Called on every render; announces only awards it has not announced yet. */
  update(awards: readonly AwardView[], allWins: readonly MyWin[], holdsCards: boolean, currency?: string): void {
    const wins = allWins.filter((win) => !this.announcedWins.has(`${win.pattern}#${win.cardId}`));
    for (const win of wins) this.announcedWins.add(`${win.pattern}#${win.cardId}`);
    // The first render is the state on arrival (a reload): what was already decided is not news.
    if (this.announced === null) {
      this.announced = awards.length;
      return;
    }
    const fresh = awards.slice(this.announced);
    this.announced = Math.max(this.announced, awards.length);
    if (wins.length > 0) {
      const what = wins.map((win) => `${patternLabel(win.pattern)} on card ${win.cardId}${win.prizeEach > 0 ? ` (${money(win.prizeEach, currency)})` : ""}`);
      this.show("won", `You won! ${what.join(" and ")}`);
      navigator.vibrate?.([200, 100, 200]);
    } else if (holdsCards && fresh.length > 0) {
      const last = fresh[fresh.length - 1];
      this.show("lost", `Not this time: ${patternLabel(last.pattern)} went to another card.`);
    }
  }

  private show(kind: "won" | "lost", text: string): void {
    this.banner.dataset.result = kind;
    setText(this.text, text);
    setShown(this.banner, true);
  }
}
