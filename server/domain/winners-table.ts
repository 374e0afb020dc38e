import type { Award, PatternName } from "../../shared/protocol";

/** One winning card of one award: a row of the host's winners export. */
export interface WinnerRow {
  readonly pattern: PatternName;
  /** Minor currency units this card got (the award's prizeEach). */
  readonly prize: number;
  /** The display name when the prize was awarded; null when the player had none. */
  readonly name: string | null;
  readonly playerId: string;
  readonly cardId: number;
  /** 0-based index of the ball that completed the pattern, and its number. */
  readonly ballIndex: number;
  readonly ball: number;
}

/** Every winner of every award, in award order then card order. `order`: the game's draw order. */
export function winnerRows(awards: readonly Award[], order: readonly number[]): WinnerRow[] {
  return awards.flatMap((award) =>
    award.winners.map((winner) => ({
      pattern: award.pattern,
      prize: award.prizeEach,
      name: winner.name ?? null,
      playerId: winner.playerId,
      cardId: winner.cardId,
      ballIndex: award.ballIndex,
      ball: order[award.ballIndex],
    })),
  );
}

export const WINNERS_CSV_HEADER = ["pattern", "prize", "name", "player_id", "card_id", "ball_index", "ball"] as const;

/**
 * A text cell of a CSV that a spreadsheet will open. Names and player ids are user input: a
 * cell starting with = + - @ (or a tab or carriage return) would run as a formula, so it
 * gets a leading apostrophe (OWASP's advice); every text cell is quoted, quotes doubled.
 */
export function csvText(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** The rows as CSV (RFC 4180: CRLF line ends, a header row). */
export function winnersCsv(rows: readonly WinnerRow[]): string {
  const lines = [WINNERS_CSV_HEADER.join(",")];
  for (const row of rows) {
    lines.push([csvText(row.pattern), row.prize, csvText(row.name ?? ""), csvText(row.playerId), row.cardId, row.ballIndex, row.ball].join(","));
  }
  return lines.join("\r\n") + "\r\n";
}
