import type { PlayerWin, Variant } from "../../shared/protocol/state";
import type { AwardView } from "./game-state";
import { ballName, money, patternLabel, plural } from "./format";

/** Who listens: the player app names the player's own wins; the host console and the screen do not. */
export interface Listener {
  /** The player's winning cards (GameState.myWins). */
  readonly wins: readonly PlayerWin[];
  readonly holdsCards: boolean;
}

/** What the announcer has already said: how many balls and awards. */
export interface Heard {
  readonly draws: number;
  readonly awards: number;
}

/** "Ball 12: B 45." — the latest ball only: a screen reader user wants the news, not a backlog. */
export function ballSentence(draws: readonly number[], variant: Variant): string {
  return `Ball ${draws.length}: ${ballName(draws[draws.length - 1], variant)}.`;
}

/** One award in words, for everybody or, in the player app, as the player's own result. */
export function awardSentence(award: AwardView, draws: readonly number[], variant: Variant, listener?: Listener): string {
  const pattern = patternLabel(award.pattern);
  const mine = listener ? listener.wins.filter((win) => win.pattern === award.pattern) : [];
  if (mine.length > 0) {
    const cards = mine.map((win) => win.cardId).join(" and ");
    return `You won ${pattern} on card ${cards}${award.prizeEach > 0 ? `, ${money(award.prizeEach)}` : ""}!`;
  }
  const ball = draws[award.ballIndex];
  const on = ball === undefined ? "" : ` on ${ballName(ball, variant)}`;
  // A crowd of winners is counted, not read out: the award lists only its first cards then.
  const cards = award.winners.map((winner) => winner.cardId);
  const who =
    award.winnerCount > cards.length ? plural(award.winnerCount, "card") : cards.length === 1 ? `card ${cards[0]}` : `${plural(cards.length, "card")}: ${cards.join(", ")}`;
  if (listener?.holdsCards) return `Not this time: ${pattern} went to ${who}${on}.`;
  return `${pattern} won by ${who}${on}.`;
}

/**
 * What to announce when the page moves from `heard` to the state now: the latest ball if
 * any was drawn, then every new award, in one text (so a ball and the win it brings are
 * read together, not one cutting off the other). Null when nothing new happened, or when
 * the draws went back (a re-join with another history): a resync is not news.
 */
export function announcement(heard: Heard, draws: readonly number[], awards: readonly AwardView[], variant: Variant, listener?: Listener): string | null {
  if (draws.length < heard.draws) return null;
  const parts: string[] = [];
  if (draws.length > heard.draws) parts.push(ballSentence(draws, variant));
  for (const award of awards.slice(heard.awards)) parts.push(awardSentence(award, draws, variant, listener));
  return parts.length > 0 ? parts.join(" ") : null;
}
