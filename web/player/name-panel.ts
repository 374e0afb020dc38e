import type { BingoClient } from "../../shared/client/bingo-client";
import { MAX_NAME_LENGTH, nameProblem, normalName } from "../../shared/protocol/names";
import { byTestId, setText } from "../common/dom";
import { errorText } from "../common/format";

const STORED_NAME = "bingo:player-name";

/**
 * "Your name": asked for as soon as the player joins, shown to the host and with wins, and
 * editable at any time. The last name used is kept in this browser and sent again on the
 * next join. The rules are checked here first (same code as the server) so a bad name
 * gets a plain sentence at once; the server checks again.
 */
export function setupNamePanel(client: BingoClient, gameId: string): void {
  const panel = byTestId("name-panel");
  const form = panel.querySelector("form") as HTMLFormElement;
  const input = byTestId<HTMLInputElement>("name-input", panel);
  const status = byTestId("name-status", panel);
  input.maxLength = MAX_NAME_LENGTH * 2;
  panel.hidden = false;

  const save = async (raw: string): Promise<void> => {
    const name = normalName(raw);
    const problem = nameProblem(name);
    if (problem !== null) return setText(status, `Please choose another name: ${problem}.`);
    const set = await client.setName(gameId, name);
    if (!set.ok) return setText(status, errorText(set.error));
    input.value = set.name;
    setText(status, `You play as ${set.name}.`);
    try {
      localStorage.setItem(STORED_NAME, set.name);
    } catch {
      // Storage blocked: the name still holds for this game.
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void save(input.value);
  });

  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORED_NAME);
  } catch {
    stored = null;
  }
  if (stored) {
    input.value = stored;
    void save(stored);
  }
}
