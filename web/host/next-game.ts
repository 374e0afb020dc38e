import type { GameTracker } from "../common/game-tracker";
import { byTestId } from "../common/dom";
import { pageUrl } from "../common/session";
import type { ErrorLine } from "./error-line";

/**
 * "Next game" once a game is finished: the server makes the following game with the same
 * settings and sends every page of this one there (`game:next`); the console opens it.
 * Pressed twice, or in two consoles, the server answers the same next game.
 */
export function setupNextGame(tracker: GameTracker, errors: ErrorLine): void {
  const button = byTestId<HTMLButtonElement>("next-game-button");
  const open = (gameId: string): void => location.assign(pageUrl("/host", { game: gameId }));
  button.addEventListener("click", () => {
    button.disabled = true;
    void tracker.client.nextGame(tracker.current.id).then((answer) => {
      errors.report(answer);
      if (answer.ok) open(answer.gameId);
      else button.disabled = false;
    });
  });
}
