/**
 * `npm run verify-game -- <record.json | http://host/api/games/<id>/record>`
 *
 * Checks a finished game's public record on its own: the seed matches the commitment
 * published at creation, the draws are the seed's draw order, the winners' cards are the
 * seed's cards, each winner completed the pattern on exactly the awarded ball, and the
 * prizes follow the split rule. Exits 0 when all holds, 1 with every problem otherwise.
 */
import { readFile } from "node:fs/promises";
import { verifyRecord } from "../server/domain/game-record";
import { publicRecordSchema } from "../shared/protocol";

async function load(source: string): Promise<unknown> {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`${source} answered ${response.status}: ${await response.text()}`);
    return response.json();
  }
  return JSON.parse(await readFile(source, "utf8"));
}

async function main(): Promise<number> {
  const source = process.argv[2];
  if (!source) {
    process.stderr.write("usage: npm run verify-game -- <record.json | http://host/api/games/<id>/record>\n");
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
  process.stdout.write(
    `game ${record.gameId}: verified. sha256(seed) = commitment, ${record.draws.length} draws follow the seed, ` +
      `${Object.keys(record.cards).length} winning card(s) match the seed, awards: ${awards.join("; ") || "none"}\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`verify-game: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
