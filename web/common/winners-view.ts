import type { Winner } from "../../shared/protocol/state";
import type { AwardView } from "./game-state";
import { h } from "./dom";
import { money, patternLabel, shortPlayer } from "./format";

/** "Line — ball 23 — card 17 (Ana) — €5.00": the ball is the number that completed it; the player's name, or a short id without one. */
export function winnerText(award: AwardView, winner: Winner, draws: readonly number[], currency?: string): string {
  const ball = draws[award.ballIndex];
  const at = ball === undefined ? `ball #${award.ballIndex + 1}` : `ball ${ball}`;
  return `${patternLabel(award.pattern)} — ${at} — card ${winner.cardId} (${winner.name ?? shortPlayer(winner.playerId)}) — ${money(award.prizeEach, currency)}`;
}

/** One `winner` item per winner of each award, in award order; `me` marks our own. */
export function syncWinners(list: HTMLElement, awards: readonly AwardView[], draws: readonly number[], me: string | null, currency?: string): void {
  const items = awards.flatMap((award) =>
    award.winners.map((winner) => ({ award, winner, text: winnerText(award, winner, draws, currency), mine: winner.playerId === me })),
  );
  const signature = items.map((item) => item.text).join("\n");
  if (list.dataset.signature === signature) return;
  list.dataset.signature = signature;
  list.replaceChildren(
    ...items.map(({ award, winner, text, mine }) =>
      h("li", {
        className: `winner${mine ? " mine" : ""}`,
        text,
        attrs: {
          "data-testid": "winner",
          "data-pattern": award.pattern,
          "data-card-id": String(winner.cardId),
          "data-player-id": winner.playerId,
          "data-ball-index": String(award.ballIndex),
        },
      }),
    ),
  );
}

/** "You won Line on card 17 (5.00)", or null when `me` won nothing. */
export function yourWins(awards: readonly AwardView[], me: string | null, currency?: string): string | null {
  const wins = awards.flatMap((award) =>
    award.winners.filter((winner) => winner.playerId === me).map((winner) => `${patternLabel(award.pattern)} on card ${winner.cardId} (${money(award.prizeEach, currency)})`),
  );
  return wins.length > 0 ? `You won ${wins.join(" and ")}` : null;
}
