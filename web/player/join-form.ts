import { byTestId, setText } from "../common/dom";

/** A game code, or the code at the end of a pasted `/play/<code>` link. */
export function parseGameCode(input: string): string | null {
  const text = input.trim();
  const fromLink = /\/play\/([A-Za-z0-9_-]{1,64})\/?(?:[?#].*)?$/.exec(text);
  const code = fromLink ? fromLink[1] : text;
  return /^[A-Za-z0-9_-]{1,64}$/.test(code) ? code : null;
}

/** The game in the page's path (`/play/<id>`), if any. */
export function gameIdFromPath(): string | null {
  const match = /^\/play\/([A-Za-z0-9_-]{1,64})\/?$/.exec(location.pathname);
  return match ? match[1] : null;
}

export interface JoinForm {
  show(error?: string): void;
  hide(): void;
}

/** The "Game code" form; `join` answers with an error message, or null once joined. */
export function setupJoinForm(join: (gameId: string) => Promise<string | null>): JoinForm {
  const section = byTestId("join");
  const form = section.querySelector("form") as HTMLFormElement;
  const input = byTestId<HTMLInputElement>("game-code", section);
  const button = byTestId<HTMLButtonElement>("join-button", section);
  const error = byTestId("join-error", section);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = parseGameCode(input.value);
    if (!code) {
      setText(error, "Enter a game code: letters, digits, - and _.");
      input.focus();
      return;
    }
    button.disabled = true;
    setText(error, "");
    void join(code).then((failure) => {
      button.disabled = false;
      if (failure) setText(error, failure);
    });
  });
  return {
    show(message) {
      section.hidden = false;
      if (message) setText(error, message);
      input.focus();
    },
    hide() {
      section.hidden = true;
    },
  };
}
