import { publicRecordSchema } from "../../shared/protocol/record";
import { byTestId, setShown, setText } from "../common/dom";
import { showRecord } from "./record-view";

/** What the page says when there is no record to show (the JSON route's status). */
function unavailable(status: number, gameId: string): string {
  if (status === 404) return `There is no game with the code ${gameId}.`;
  if (status === 409) return `Game ${gameId} has not finished yet. Its record is published here when the game ends.`;
  return "The record could not be loaded just now. Try again in a moment.";
}

/** `/record/<gameId>`: the finished game's public record, readable, with a check in the browser. */
async function main(): Promise<void> {
  const gameId = /^\/record\/([A-Za-z0-9_-]{1,64})\/?$/.exec(location.pathname)?.[1];
  const say = (text: string): void => {
    setShown(byTestId("record-loading"), false);
    setText(byTestId("record-notice"), text);
    setShown(byTestId("record-notice"), true);
  };
  if (!gameId) return say("Open a game's record at /record/<game code>.");
  setText(byTestId("record-code"), gameId);
  document.title = `Record of ${gameId} · Bingo Live`;
  let response: Response;
  try {
    response = await fetch(`/api/games/${encodeURIComponent(gameId)}/record`, { headers: { accept: "application/json" } });
  } catch {
    return say("The record could not be loaded: the server did not answer. Try again in a moment.");
  }
  if (!response.ok) return say(unavailable(response.status, gameId));
  const parsed = publicRecordSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) return say("The server's answer is not a public record, so it cannot be shown or checked.");
  setText(byTestId("record-code"), parsed.data.gameId);
  showRecord(parsed.data);
}

void main();
