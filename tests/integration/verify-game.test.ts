import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordIdOf } from "../../server/domain/fair-random";
import { nextEvent } from "../support/events";
import { startTestApp } from "../support/test-app";

const SCRIPT = join(__dirname, "..", "..", "dist", "scripts", "verify-game.js");

/** Runs the script without blocking this process (it may fetch from the server running here). */
function verify(source: string, ...options: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, source, ...options], { encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, out: stdout + stderr });
    });
  });
}

test("scripts/verify-game accepts a finished game's record, from the URL or a file, and rejects a tampered one", async () => {
  const app = await startTestApp();
  const dir = mkdtempSync(join(tmpdir(), "verify-game-"));
  try {
    const host = await app.client("verify-host", "host");
    const created = await host.createGame({ variant: 90, recordIds: "salted-hash" });
    if (!created.ok) throw new Error(created.error.code);
    const { gameId } = created;
    // Players with auto-claim on (the default): the server calls for them, so the record holds calls.
    const players = await Promise.all(["ana", "ben", "cy"].map((sub) => app.client(`verify-${sub}`, "player")));
    await host.openClaims({ gameId, totalSlots: 300, maxPerPlayer: 100 });
    for (const player of players) {
      await player.join(gameId);
      await player.claim(gameId, 100);
    }
    await host.join(gameId);
    // The host hears each call the server records; the end then awards the pending prize at once.
    const called = nextEvent(host.socket, "bingo:called", (m) => m.gameId === gameId);
    await host.startRound(gameId);
    for (let i = 0; i < 40; i++) await host.request("round:draw", { gameId });
    await called;
    await host.endGame(gameId);
    const url = `${app.url}/api/games/${gameId}/record`;
    const record = await (await fetch(url)).json();
    expect(record.calls.length).toBeGreaterThan(0);
    expect(record.awards.length).toBeGreaterThan(0);

    // A player finds themselves under their salted id.
    const winner = record.awards[0].winners[0];
    const subs = ["verify-ana", "verify-ben", "verify-cy"];
    const mine = subs.find((sub) => recordIdOf(record.seed, sub) === winner.playerId)!;
    expect(await verify(url, "--player", mine)).toEqual({ code: 0, out: expect.stringContaining(`won ${record.awards[0].pattern} with card ${winner.cardId}`) });

    // Tampering with the calls: a winner's call removed.
    const tampered = structuredClone(record);
    for (const entry of tampered.calls) entry.cards = entry.cards.filter((c: { cardId: number }) => c.cardId !== winner.cardId);
    tampered.calls = tampered.calls.filter((entry: { cards: unknown[] }) => entry.cards.length > 0);
    const file0 = join(dir, "tampered.json");
    writeFileSync(file0, JSON.stringify(tampered));
    // Which sentence names it depends on the seed: with other valid calls for the pattern left
    // the award "lists card …, which has no valid call"; when the removed call was the only
    // valid one (a single winner and no later valid call), it "has no valid call behind it".
    const award0 = `Award 0 \\(${record.awards[0].pattern}\\)`;
    expect(await verify(file0)).toEqual({
      code: 1,
      out: expect.stringMatching(new RegExp(`${award0} (lists card ${winner.cardId}, which has no valid call|has no valid call behind it)`)),
    });

    expect(await verify(url)).toEqual({ code: 0, out: expect.stringContaining(`game ${gameId}: verified`) });
    const file = join(dir, "record.json");
    writeFileSync(file, JSON.stringify(record));
    expect(await verify(file)).toEqual({ code: 0, out: expect.stringContaining(`game ${gameId}: verified`) });

    const [first, second] = record.draws;
    writeFileSync(file, JSON.stringify({ ...record, draws: [second, first, ...record.draws.slice(2)] }));
    expect(await verify(file)).toEqual({ code: 1, out: expect.stringContaining("NOT VERIFIED") });

    writeFileSync(file, JSON.stringify({ ...record, seed: "0".repeat(64) }));
    expect(await verify(file)).toEqual({ code: 1, out: expect.stringContaining("commitment") });

    writeFileSync(file, JSON.stringify({ nothing: "here" }));
    expect(await verify(file)).toEqual({ code: 1, out: expect.stringContaining("not a public record") });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await app.stop();
  }
});
