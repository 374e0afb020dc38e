import type { BingoClient } from "../../shared/client/bingo-client";
import type { PlayerRow } from "../../shared/protocol/state";
import { byTestId, h, setText } from "../common/dom";
import { money, patternLabel, shortPlayer } from "../common/format";
import type { ErrorLine } from "./error-line";

const PAGE = 50;
/** While the list is open it is read again this often; closed, it costs the server nothing. */
const REFRESH_MS = 5000;

/**
 * The host's player list: one page at a time from `players:list` (never a message per
 * player), read when opened, on "Refresh", when paging, and every few seconds while open.
 * Also the winners export buttons: the file is fetched with the host's token and saved.
 */
export function setupPlayersPanel(client: BingoClient, gameId: string, token: () => Promise<string>, errors: ErrorLine): void {
  const panel = byTestId<HTMLDetailsElement>("players-panel");
  const body = byTestId("players");
  const count = byTestId("players-count");
  const prev = byTestId<HTMLButtonElement>("players-prev");
  const next = byTestId<HTMLButtonElement>("players-next");
  panel.hidden = false;
  let cursor = 0;
  let nextCursor: number | null = null;

  const load = async (): Promise<void> => {
    // Not `report`: a periodic refresh must not clear another action's error.
    const page = await client.listPlayers(gameId, cursor, PAGE);
    if (!page.ok) return errors.show(page.error);
    nextCursor = page.next;
    body.replaceChildren(...page.players.map(row));
    setText(count, page.total === 0 ? "No player holds cards yet." : `Players ${cursor + 1}–${cursor + page.players.length} of ${page.total}`);
    prev.disabled = cursor === 0;
    next.disabled = nextCursor === null;
  };
  panel.addEventListener("toggle", () => panel.open && void load());
  byTestId("players-refresh").addEventListener("click", () => void load());
  prev.addEventListener("click", () => {
    cursor = Math.max(0, cursor - PAGE);
    void load();
  });
  next.addEventListener("click", () => {
    if (nextCursor === null) return;
    cursor = nextCursor;
    void load();
  });
  setInterval(() => panel.open && document.visibilityState === "visible" && void load(), REFRESH_MS);

  for (const format of ["csv", "json"] as const) {
    byTestId(`export-${format}`).addEventListener("click", () => void download(gameId, format, token, errors));
  }
}

function row(player: PlayerRow): HTMLElement {
  const won = player.won.map((w) => `${patternLabel(w.pattern)} (card ${w.cardId}, ${money(w.prizeEach)})`).join(", ");
  return h("tr", { attrs: { "data-testid": "player-row", "data-player-id": player.playerId, "data-presence": player.presence } }, [
    h("td", { className: "player-name", text: player.name ?? shortPlayer(player.playerId) }),
    h("td", { className: "player-cards", text: String(player.cards) }),
    h("td", { className: `player-presence ${player.presence}`, text: player.presence === "connected" ? "Connected" : "Away (push)" }),
    h("td", { className: "player-won", text: won || "—" }),
  ]);
}

async function download(gameId: string, format: "csv" | "json", token: () => Promise<string>, errors: ErrorLine): Promise<void> {
  try {
    const answer = await fetch(`/api/games/${encodeURIComponent(gameId)}/winners.${format}`, { headers: { authorization: `Bearer ${await token()}` } });
    if (!answer.ok) return errors.invalid(`The export failed (HTTP ${answer.status}).`);
    const url = URL.createObjectURL(await answer.blob());
    const link = h("a", { attrs: { href: url, download: `winners-${gameId}.${format}` } });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch {
    errors.invalid("The export failed: the server could not be reached.");
  }
}
