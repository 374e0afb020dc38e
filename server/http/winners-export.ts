import type { ServerResponse } from "node:http";
import type { WinnersTable } from "../game/host-reports";
import { winnersCsv } from "../domain/winners-table";
import type { StoreResult } from "../ports/game-store";
import type { IdentityVerifier } from "../ports/identity";

/** GET /api/games/<id>/winners.csv and .json: a game's winners and payouts, for its host. */
export const WINNERS_PATH = /^\/api\/games\/([A-Za-z0-9_-]{1,64})\/winners\.(csv|json)$/;

export interface WinnersExportDeps {
  /** The same verifier the sockets connect through. */
  readonly identity: IdentityVerifier;
  readonly winners: (gameId: string, hostId: string) => Promise<StoreResult<WinnersTable>>;
}

const STATUS: Partial<Record<string, number>> = { NOT_FOUND: 404, FORBIDDEN: 403, UNAVAILABLE: 503, OUTCOME_UNKNOWN: 503 };

/**
 * Answers an export request. Authorised by the host's token as a bearer token: none or an
 * invalid one is 401, a player's token or another host's game 403, an unknown game 404.
 */
export async function exportWinners(deps: WinnersExportDeps, gameId: string, format: "csv" | "json", authorization: string | undefined, res: ServerResponse): Promise<void> {
  const token = /^Bearer ([^\s]+)$/i.exec(authorization ?? "")?.[1];
  if (token === undefined) return sendError(res, 401, "UNAUTHORIZED", "send the host's token as Authorization: Bearer <token>", true);
  const identity = await deps.identity.verify(token);
  if (typeof identity === "string") return sendError(res, 401, "UNAUTHORIZED", identity, true);
  if (identity.role !== "host") return sendError(res, 403, "FORBIDDEN", "only the game's host may export its winners");
  const table = await deps.winners(gameId, identity.sub);
  if (!table.ok) return sendError(res, STATUS[table.error.code] ?? 500, table.error.code, table.error.message);
  const { rows, title } = table.value;
  const body = format === "csv" ? winnersCsv(rows) : JSON.stringify({ gameId, title, winners: rows });
  res.writeHead(200, {
    "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "content-disposition": `attachment; filename="winners-${gameId}.${format}"`,
    "cache-control": "no-store",
  });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, challenge = false): void {
  const text = JSON.stringify({ error: { code, message } });
  const headers: Record<string, string | number> = { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store" };
  if (challenge) headers["www-authenticate"] = "Bearer";
  res.writeHead(status, headers);
  res.end(text);
}
