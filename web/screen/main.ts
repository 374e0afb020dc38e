import { startPage } from "../common/connection";
import { errorText } from "../common/format";
import { GameTracker } from "../common/game-tracker";
import { pageUrl } from "../common/session";
import { StageView } from "./stage-view";

/** `/screen/<gameId>`: signs in as the host (the console opens it), joins, and shows the stage. */
async function main(): Promise<void> {
  const notice = document.querySelector<HTMLElement>('[data-testid="notice"]')!;
  const gameId = /^\/screen\/([A-Za-z0-9_-]{1,64})\/?$/.exec(location.pathname)?.[1];
  if (!gameId) {
    notice.textContent = "Open the screen from the host console: /screen/<game code>.";
    notice.hidden = false;
    return;
  }
  const started = await startPage("host");
  if (!started) return;
  const joined = await started.client.join(gameId);
  // The host started the next game after this one: the screen shows that one (the URL follows).
  started.client.onNextGame(({ from, to }) => {
    if (joined.ok && from === joined.game.id) location.replace(pageUrl(`/screen/${encodeURIComponent(to)}`));
  });
  if (!joined.ok) {
    notice.textContent = errorText(joined.error);
    notice.hidden = false;
    return;
  }
  new StageView(new GameTracker(started.client, joined.game));
}

void main();
