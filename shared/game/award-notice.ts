import type { Award, AwardNotice, PlayerWin, Winner } from "../protocol/state";

/**
 * The award as a room hears it: its figures and its first `shown` winners. The whole list
 * goes to every socket otherwise, which at a show's scale (thousands of winners, tens of
 * thousands of sockets) is gigabytes written while the last calls still wait for answers.
 */
export function noticeOf(award: Award, shown: number): AwardNotice {
  const { winners, ...figures } = award;
  return { ...figures, winners: winners.length > shown ? winners.slice(0, shown) : winners, winnerCount: winners.length };
}

/** Each winning player's cards in one award, in the record's order. */
export function cardsByPlayer(winners: readonly Winner[]): Map<string, number[]> {
  const byPlayer = new Map<string, number[]>();
  for (const { playerId, cardId } of winners) {
    const cards = byPlayer.get(playerId);
    if (cards) cards.push(cardId);
    else byPlayer.set(playerId, [cardId]);
  }
  return byPlayer;
}

/** Every player's winning cards over the awards, in award order: built once, looked up per player. */
export function winsByPlayer(awards: readonly Award[]): Map<string, PlayerWin[]> {
  const byPlayer = new Map<string, PlayerWin[]>();
  for (const { pattern, winners, prizeEach } of awards) {
    for (const { playerId, cardId } of winners) {
      const won = byPlayer.get(playerId);
      if (won) won.push({ pattern, cardId, prizeEach });
      else byPlayer.set(playerId, [{ pattern, cardId, prizeEach }]);
    }
  }
  return byPlayer;
}
