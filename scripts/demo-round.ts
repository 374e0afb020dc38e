import type { BingoClient } from "../shared/client";
import type { FinishedMessage, WinnersMessage } from "../shared/protocol";
import { publicRecordSchema } from "../shared/protocol";
import { verifyRecord } from "../server/domain/game-record";
import { commitmentOf } from "../server/domain/fair-random";

/** Pace of the demo host's draws: quick, but slow enough to watch. */
const DRAW_EVERY_MS = 120;

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function describeWinners(message: WinnersMessage): string {
  const names = message.winners.map((w) => `${w.playerId} (card ${w.cardId})`);
  const shown = names.length > 4 ? `${names.slice(0, 4).join(", ")} and ${names.length - 4} more` : names.join(", ");
  return `${message.pattern} on ball #${message.ballIndex + 1}: ${message.winners.length} winner(s), ${message.prizeEach} each: ${shown}`;
}

/**
 * The round after the claim rush: the host starts it and draws; the bots keep auto-claim
 * on (the default), so the server calls bingo for every card that completes the pattern
 * in play; winners are announced, the seed is revealed, and the public record is checked
 * the way anyone could (scripts/verify-game). True when the record verifies.
 */
export async function playRound(
  host: BingoClient,
  watcher: BingoClient,
  gameId: string,
  baseUrl: string,
  say: (label: string, text: string) => void,
): Promise<boolean> {
  const joined = await host.join(gameId);
  const published = joined.ok ? joined.game.commitment : "";
  const finished = new Promise<FinishedMessage>((resolve) => watcher.socket.once("game:finished", resolve));
  watcher.socket.on("winners", (message) => say("winners", describeWinners(message)));

  const started = await host.startRound(gameId);
  if (!started.ok) throw new Error(`round:start failed: ${started.error.code}`);
  say("round", `started (claims closed); the server draws from a seed committed as ${published.slice(0, 16)}...`);
  let done = false;
  void finished.then(() => (done = true));
  const balls: number[] = [];
  while (!done) {
    const drawn = await host.draw(gameId);
    if (!drawn.ok) break;
    balls.push(drawn.ball);
    if (balls.length % 15 === 0) say("balls", balls.slice(-15).join(" "));
    await wait(DRAW_EVERY_MS);
  }
  const end = await finished;
  if (balls.length % 15 !== 0) say("balls", balls.slice(-(balls.length % 15)).join(" "));
  say("reveal", `game finished after ${balls.length} balls; seed ${end.seed.slice(0, 16)}...; SHA-256 of the seed's 32 bytes ${commitmentOf(end.seed) === published ? "=" : "!="} commitment`);

  const record = publicRecordSchema.parse(await (await fetch(`${baseUrl}/api/games/${gameId}/record`)).json());
  const verdict = verifyRecord(record);
  say("verify", verdict.ok ? `public record verified (as npm run verify-game -- ${baseUrl}/api/games/${gameId}/record does)` : `NOT VERIFIED: ${verdict.problems.join("; ")}`);
  return verdict.ok;
}
