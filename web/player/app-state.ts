import type { BingoClient } from "../../shared/client/bingo-client";
import type { GameTracker } from "../common/game-tracker";

/**
 * Tells the server when the app goes to the background (it then reaches the player by push)
 * and, back in front, joins again so the snapshot replaces whatever was missed meanwhile.
 */
export function followAppState(client: BingoClient, game: () => GameTracker | null): void {
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      void client.setAppState("background");
      return;
    }
    void client.setAppState("foreground").then(() => game()?.refresh());
  });
}
