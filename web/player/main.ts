import { startPage } from "../common/connection";
import { errorText } from "../common/format";
import { GameTracker } from "../common/game-tracker";
import { pageUrl } from "../common/session";
import { followAppState } from "./app-state";
import { gameIdFromPath, setupJoinForm } from "./join-form";
import { setupNamePanel } from "./name-panel";
import { PlayerScreen } from "./player-screen";
import { startWebPush } from "./web-push";

async function main(): Promise<void> {
  const started = await startPage("player");
  if (!started) return;
  const { client } = started;
  const me = started.session.sub;

  let tracker: GameTracker | null = null;
  followAppState(client, () => tracker);
  void startWebPush(client);

  // The host started the next game after this one: go there (the URL follows).
  client.onNextGame(({ from, to }) => {
    if (tracker && from === tracker.current.id) location.replace(pageUrl(`/play/${encodeURIComponent(to)}`));
  });

  const start = async (gameId: string): Promise<string | null> => {
    if (tracker) return null;
    const joined = await client.join(gameId);
    if (!joined.ok) return joined.error.code === "NOT_FOUND" ? `No game with the code "${gameId}".` : errorText(joined.error);
    tracker = new GameTracker(client, joined.game);
    joinForm.hide();
    new PlayerScreen(tracker, me);
    setupNamePanel(client, joined.game.id);
    const path = `/play/${encodeURIComponent(gameId)}`;
    if (location.pathname !== path) history.pushState(null, "", pageUrl(path));
    return null;
  };
  const joinForm = setupJoinForm(start);
  window.addEventListener("popstate", () => location.reload());

  const fromPath = gameIdFromPath();
  if (!fromPath) return joinForm.show();
  const failure = await start(fromPath);
  if (failure) joinForm.show(failure);
}

void main();
