import { connect } from "../common/connection";
import { byTestId } from "../common/dom";
import { errorText } from "../common/format";
import { GameTracker } from "../common/game-tracker";
import { pageUrl, signIn } from "../common/session";
import { followAppState } from "./app-state";
import { gameIdFromPath, setupJoinForm } from "./join-form";
import { PlayerScreen } from "./player-screen";

/** Re-joins after claims open are spread over this long, so a full room does not join in one instant. */

async function main(): Promise<void> {
  const badge = byTestId("connection");
  const notice = byTestId("notice");
  const fail = (message: string): void => {
    notice.textContent = message;
    notice.hidden = false;
    badge.dataset.state = "offline";
    badge.textContent = "Offline";
  };

  const signedIn = await signIn("player");
  if (!signedIn.ok) return fail(signedIn.message);
  const connected = await connect(signedIn.session, badge);
  if (!connected.ok) return fail(connected.message);
  const client = connected.client;
  const me = signedIn.session.sub;

  let tracker: GameTracker | null = null;
  followAppState(client, () => tracker);

  const start = async (gameId: string): Promise<string | null> => {
    if (tracker) return null;
    const joined = await client.join(gameId);
    if (!joined.ok) return joined.error.code === "NOT_FOUND" ? `No game with the code "${gameId}".` : errorText(joined.error);
    tracker = new GameTracker(client, joined.game);
    joinForm.hide();
    new PlayerScreen(tracker, me);
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
