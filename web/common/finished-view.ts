import type { GameState } from "./game-state";
import { byTestId, setShown, setText } from "./dom";

/**
 * The end of a game: the revealed seed, the public record, and a check in the browser that
 * the seed is the one committed to at the start (sha256 of its 32 bytes).
 */
export function showFinished(section: HTMLElement, state: GameState): void {
  const finished = state.phase === "finished";
  setShown(section, finished);
  if (!finished) return;
  setText(byTestId("seed", section), state.seed ?? "");
  const link = section.querySelector<HTMLAnchorElement>("a.record-link");
  // The readable page; it links the JSON (/api/games/<id>/record) and verifies it in the browser.
  const href = `/record/${encodeURIComponent(state.id)}`;
  if (link && link.getAttribute("href") !== href) link.setAttribute("href", href);
  const check = section.querySelector<HTMLElement>(".seed-check");
  if (check && state.seed && check.dataset.seed !== state.seed) {
    check.dataset.seed = state.seed;
    void checkSeed(state.seed, state.commitment).then((text) => setText(check, text));
  }
}

async function checkSeed(seed: string, commitment: string): Promise<string> {
  // crypto.subtle exists only in secure contexts (https or localhost).
  if (!globalThis.crypto?.subtle || !/^[0-9a-f]{64}$/.test(seed)) return "";
  const bytes = new Uint8Array(seed.match(/../g)?.map((pair) => parseInt(pair, 16)) ?? []);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return hex === commitment ? "✓ the SHA-256 of the seed's 32 bytes matches the commitment published at the start" : "✗ the SHA-256 of the seed's 32 bytes does not match the commitment";
}
