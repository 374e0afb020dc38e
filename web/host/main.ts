import { connect } from "../common/connection";
import { byTestId } from "../common/dom";
import { GameTracker } from "../common/game-tracker";
import { pageUrl, signIn } from "../common/session";
import { setupCreateForm } from "./create-form";
import { ErrorLine } from "./error-line";
import { HostScreen } from "./host-screen";

async function main(): Promise<void> {
  const badge = byTestId("connection");
  const notice = byTestId("notice");
  const fail = (message: string): void => {
    notice.textContent = message;
    notice.hidden = false;
    badge.dataset.state = "offline";
    badge.textContent = "Offline";
  };
  document.querySelectorAll<HTMLAnchorElement>('a[href="/host"]').forEach((link) => (link.href = pageUrl("/host")));

  const signedIn = await signIn("host");
  if (!signedIn.ok) return fail(signedIn.message);
  const connected = await connect(signedIn.session, badge);
  if (!connected.ok) return fail(connected.message);
  const client = connected.client;
  const errors = new ErrorLine();

  let screen: HostScreen | null = null;
  const follow = async (gameId: string): Promise<boolean> => {
    if (screen) return true;
    const joined = errors.report(await client.join(gameId));
    if (!joined.ok) return false;
    createForm.hide();
    screen = new HostScreen(new GameTracker(client, joined.game), errors);
    history.replaceState(null, "", pageUrl("/host", { game: gameId }));
    return true;
  };
  const createForm = setupCreateForm(client, errors, async (gameId) => void (await follow(gameId)));

  const existing = new URLSearchParams(location.search).get("game");
  if (!existing || !(await follow(existing))) createForm.show();
}

void main();
