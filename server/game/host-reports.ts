import type { PlayersPage } from "../../shared/protocol";
import { winsByPlayer } from "../../shared/game/award-notice";
import { DEFAULT_PLAYERS_PAGE, protocolError } from "../../shared/protocol";
import { drawOrder } from "../domain/cards";
import { notYourGame } from "../domain/game-errors";
import type { WinnerRow } from "../domain/winners-table";
import { winnerRows } from "../domain/winners-table";
import type { GameStore, StoreResult } from "../ports/game-store";
import type { PlayerDirectory } from "../ports/push-ports";

/** What the winners export holds: the game and one row per winning card. */
export interface WinnersTable {
  readonly gameId: string;
  readonly title: string;
  readonly rows: readonly WinnerRow[];
}

/**
 * What a host reads about the players of their game, on demand: a page of the player list
 * (never a message per player: at 200,000 players the host asks for the page it shows) and
 * the winners export. Reads only; nothing here changes a game or emits to a room.
 */
export class HostReports {
  constructor(
    private readonly store: GameStore,
    private readonly directory: PlayerDirectory,
  ) {}

  /** A page of the roster with each player's presence and wins. */
  async players(gameId: string, hostId: string, cursor = 0, limit = DEFAULT_PLAYERS_PAGE): Promise<StoreResult<PlayersPage>> {
    const page = await this.store.roster(gameId, hostId, cursor, limit);
    if (!page.ok) return page;
    const view = await this.store.view(gameId, hostId);
    if (!view.ok) return view;
    const ids = page.value.players.map((p) => p.playerId);
    let presence: ("connected" | "away")[];
    try {
      presence = ids.length > 0 ? await this.directory.presenceOf(ids) : [];
    } catch {
      return { ok: false, error: protocolError("UNAVAILABLE") };
    }
    const wins = winsByPlayer(view.value.awards);
    const players = page.value.players.map(({ playerId, name, cards }, i) => ({ playerId, name, cards, presence: presence[i], won: wins.get(playerId) ?? [] }));
    const end = cursor + players.length;
    return { ok: true, value: { players, total: page.value.total, next: end < page.value.total && players.length > 0 ? end : null } };
  }

  /** The game's winners and payouts so far (the host's own games only). */
  async winners(gameId: string, hostId: string): Promise<StoreResult<WinnersTable>> {
    const view = await this.store.view(gameId, hostId);
    if (!view.ok) return view;
    const game = view.value;
    if (game.hostId !== hostId) return { ok: false, error: notYourGame() };
    return { ok: true, value: { gameId, title: game.title, rows: winnerRows(game.awards, drawOrder(game.seed, game.variant)) } };
  }
}
