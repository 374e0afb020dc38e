import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestApp } from "../support/test-app";

const SCRIPT = join(__dirname, "..", "..", "dist", "scripts", "verify-game.js");

/** Runs the script without blocking this process (it may fetch from the server running here). */
function verify(source: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, source], { encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, out: stdout + stderr });
    });
  });
}

test("scripts/verify-game accepts a finished game's record, from the URL or a file, and rejects a tampered one", async () => {
  const app = await startTestApp();
  const dir = mkdtempSync(join(tmpdir(), "verify-game-"));
  try {
    const host = await app.client("verify-host", "host");
    const created = await host.createGame({ variant: 90 });
    if (!created.ok) throw new Error(created.error.code);
    const { gameId } = created;
    await host.startRound(gameId);
    for (let i = 0; i < 12; i++) await host.request("round:draw", { gameId });
    await host.endGame(gameId);
    const url = `${app.url}/api/games/${gameId}/record`;
    const record = await (await fetch(url)).json();

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
