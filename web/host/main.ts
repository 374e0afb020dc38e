import { startPage } from "../common/connection";
import { GameTracker } from "../common/game-tracker";
import { pageUrl } from "../common/session";
import { setupCreateForm } from "./create-form";
import { ErrorLine } from "./error-line";
import { HostScreen } from "./host-screen";
import { setupPlayersPanel } from "./players-panel";

async function main(): Promise<void> {
  document.querySelectorAll<HTMLAnchorElement>('a[href="/host"]').forEach((link) => (link.href = pageUrl("/host")));
  const started = await startPage("host");
  if (!started) return;
  const { client } = started;
  const errors = new ErrorLine();

  let screen: HostScreen | null = null;
  const follow = async (gameId: string): Promise<boolean> => {
    if (screen) return true;
    const joined = errors.report(await client.join(gameId));
    if (!joined.ok) return false;
    createForm.hide();
    screen = new HostScreen(new GameTracker(client, joined.game), errors);
    setupPlayersPanel(client, joined.game.id, started.session.token, errors);
    history.replaceState(null, "", pageUrl("/host", { game: gameId }));
    return true;
  };
  const createForm = setupCreateForm(client, errors, async (gameId) => void (await follow(gameId)));

  const existing = new URLSearchParams(location.search).get("game");
  if (!existing || !(await follow(existing))) createForm.show();
}

void main();
