/**
 * `npm run verify-game -- <record.json | http://host/api/games/<id>/record> [--player <sub>]`
 *
 * Checks a finished game's public record on its own: the seed matches the commitment
 * published at creation (SHA-256 of the seed's 32 bytes), the draws are the seed's draw
 * order, the winners' cards are the seed's cards, every recorded call completes its card on
 * its ball and came before that ball's window closed, each award went to exactly the valid
 * calls on the earliest ball, and the prizes follow the split rule. Exits 0 when all holds,
 * 1 with every problem otherwise. `--player <sub>` also lists that player's calls and wins
 * (finding them under their salted hash when the record uses one).
 */
import { readFile } from "node:fs/promises";
import { recordIdOf } from "../shared/game/fair-random";
import { verifyRecord } from "../shared/game/verify-record";
import type { PublicRecord } from "../shared/protocol";
import { publicRecordSchema } from "../shared/protocol";

async function load(source: string): Promise<unknown> {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`${source} answered ${response.status}: ${await response.text()}`);
    return response.json();
  }
  return JSON.parse(await readFile(source, "utf8"));
}

/** One player's calls and wins in a verified record. */
function playerReport(record: PublicRecord, sub: string): string {
  const id = record.recordIds === "sub" ? sub : recordIdOf(record.seed, sub);
  const lines = [`player ${sub}${id === sub ? "" : ` (recorded as ${id})`}:`];
  for (const entry of record.calls) {
    for (const card of entry.cards) {
      if (card.playerId !== id) continue;
      const by = entry.auto ? "auto-claim" : "by hand";
      lines.push(`  called card ${card.cardId} for ${record.patterns[entry.pattern]} on ball #${entry.ballIndex + 1} at ${new Date(entry.at).toISOString()} (${by})`);
    }
  }
  for (const award of record.awards) {
    for (const winner of award.winners) {
      if (winner.playerId === id) lines.push(`  won ${award.pattern} with card ${winner.cardId}: ${award.prizeEach}`);
    }
  }
  if (lines.length === 1) lines.push("  no accepted call");
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const at = args.indexOf("--player");
  const player = at >= 0 ? args[at + 1] : undefined;
  const source = args.find((arg, i) => !arg.startsWith("--") && (at < 0 || i !== at + 1));
  if (!source || (at >= 0 && !player)) {
    process.stderr.write("usage: npm run verify-game -- <record.json | http://host/api/games/<id>/record> [--player <sub>]\n");
    return 2;
  }
  const parsed = publicRecordSchema.safeParse(await load(source));
  if (!parsed.success) {
    process.stdout.write(`not a public record: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}\n`);
    return 1;
  }
  const record = parsed.data;
  const verdict = verifyRecord(record);
  if (!verdict.ok) {
    process.stdout.write(`game ${record.gameId}: NOT VERIFIED\n${verdict.problems.map((p) => `  - ${p}`).join("\n")}\n`);
    return 1;
  }
  const awards = record.awards.map((a) => `${a.pattern} on ball #${a.ballIndex + 1} (${a.winners.length} winner(s), ${a.prizeEach} each)`);
  const calls = record.calls.reduce((sum, entry) => sum + entry.cards.length, 0);
  process.stdout.write(
    `game ${record.gameId}: verified. the SHA-256 of the seed's 32 bytes is the commitment, ${record.draws.length} draws follow the seed, ` +
      `${Object.keys(record.cards).length} winning card(s) match the seed, ${calls} accepted call(s) hold up (grace ${record.graceMs} ms) ` +
      `and decide every award: ${awards.join("; ") || "none"}\n`,
  );
  if (player !== undefined) process.stdout.write(playerReport(record, player));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`verify-game: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
