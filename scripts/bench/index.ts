/**
 * `npm run bench`: the claim storm against this server and the baselines, same load
 * generator, same machine, one private Redis; prints a markdown table and writes
 * bench-results/claim-storm.json.
 *
 *   npm run bench -- --players 20000 --nodes 2 --workers 4
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startRedis } from "../lib/private-redis";
import type { StormResult, Target } from "../loadtest/storm";
import { runClaimStorm } from "../loadtest/storm";

const TARGETS: Target[] = ["noop-ceiling", "bingo", "per-request-atomic", "naive-counter"];

function table(results: StormResult[]): string {
  const rows = [
    "| Strategy | Players | Acked | Lost | Claims/s | p50 ms | p95 ms | p99 ms | max ms | Oversold | Duplicate cards | Over limit | Contradictions | Fluctuations | EXEC/claim | Redis cmds/claim | Redis CPU µs/claim |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of results) {
    const name = r.target === "bingo" ? "**tick batching (this server)**" : `${r.target} (baseline)`;
    rows.push(
      `| ${name} | ${r.players} | ${r.acked} | ${r.lost} | ${r.claimsPerSecond} | ${r.latencyMs.p50} | ${r.latencyMs.p95} | ${r.latencyMs.p99} | ${r.latencyMs.max} | ${r.oversold} | ${r.duplicateCards} | ${r.overLimitPlayers} | ${r.contradictions} | ${r.fluctuations} | ${r.execPerClaim.toFixed(4)} | ${r.redisCommandsPerClaim.toFixed(2)} | ${(r.redisCpuMsPerClaim * 1000).toFixed(1)} |`,
    );
  }
  return rows.join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      players: { type: "string", default: "5000" },
      nodes: { type: "string", default: "2" },
      workers: { type: "string", default: "4" },
      targets: { type: "string", default: TARGETS.join(",") },
    },
  });
  const players = Number(values.players);
  const redis = await startRedis();
  const results: StormResult[] = [];
  try {
    for (const target of values.targets!.split(",") as Target[]) {
      process.stderr.write(`claim storm: ${target}, ${players} players...\n`);
      results.push(
        await runClaimStorm({
          target,
          redisUrl: redis.url,
          players,
          nodes: Number(values.nodes),
          workers: Number(values.workers),
          totalSlots: Math.floor(players * 0.75),
          maxPerPlayer: 2,
          count: 1,
          repeatEvery: 10,
        }),
      );
    }
  } finally {
    await redis.stop();
  }
  const report = { date: new Date().toISOString(), machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version }, results };
  mkdirSync("bench-results", { recursive: true });
  writeFileSync(join("bench-results", "claim-storm.json"), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${table(results)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
