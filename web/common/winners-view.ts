import type { PlayerWin, Winner } from "../../shared/protocol/state";
import type { AwardView } from "./game-state";
import { h } from "./dom";
import { money, patternLabel, plural, shortPlayer } from "./format";

/** "Line — ball 23 — card 17 (Ana) — €5.00": the ball is the number that completed it; the player's name, or a short id without one. */
export function winnerText(award: AwardView, winner: Winner, draws: readonly number[], currency?: string): string {
  const ball = draws[award.ballIndex];
  const at = ball === undefined ? `ball #${award.ballIndex + 1}` : `ball ${ball}`;
  return `${patternLabel(award.pattern)} — ${at} — card ${winner.cardId} (${winner.name ?? shortPlayer(winner.playerId)}) — ${money(award.prizeEach, currency)}`;
}

/** Winners an award has beyond those it lists (the server lists the first few of a crowd). */
export function unlisted(award: AwardView): number {
  return award.winnerCount - award.winners.length;
}

/**
 * One `winner` item per listed winner of each award, in award order, and after an award
 * that lists only its first winners one `winners-more` item with how many more there are;
 * `me` marks our own.
 */
export function syncWinners(list: HTMLElement, awards: readonly AwardView[], draws: readonly number[], me: string | null, currency?: string): void {
  const items = awards.flatMap((award) => [
    ...award.winners.map((winner) => ({ award, winner, text: winnerText(award, winner, draws, currency), mine: winner.playerId === me })),
    ...(unlisted(award) > 0 ? [{ award, winner: null, text: `${patternLabel(award.pattern)} — and ${plural(unlisted(award), "more card")} — ${money(award.prizeEach, currency)} each`, mine: false }] : []),
  ]);
  const signature = items.map((item) => item.text).join("\n");
  if (list.dataset.signature === signature) return;
  list.dataset.signature = signature;
  list.replaceChildren(
    ...items.map(({ award, winner, text, mine }) =>
      winner
        ? h("li", {
            className: `winner${mine ? " mine" : ""}`,
            text,
            attrs: {
              "data-testid": "winner",
              "data-pattern": award.pattern,
              "data-card-id": String(winner.cardId),
              "data-player-id": winner.playerId,
              "data-ball-index": String(award.ballIndex),
            },
          })
        : h("li", { className: "winner more", text, attrs: { "data-testid": "winners-more", "data-pattern": award.pattern, "data-count": String(unlisted(award)) } }),
    ),
  );
}

/** "You won Line on card 17 (5.00)", or null when the player won nothing. */
export function yourWins(wins: readonly PlayerWin[], currency?: string): string | null {
  const texts = wins.map((win) => `${patternLabel(win.pattern)} on card ${win.cardId} (${money(win.prizeEach, currency)})`);
  return texts.length > 0 ? `You won ${texts.join(" and ")}` : null;
}
