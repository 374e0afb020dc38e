/** The markdown the bench prints (and, with --docs, writes into docs/performance.md): tables, target checks, the chart. */
import type { StormResult } from "../loadtest/storm";
import type { BenchResults } from "./results";
import { basename } from "node:path";
import { DOCS_CHART } from "./results";
import { DEFAULT_AWARD_WINNERS_SHOWN } from "../../shared/protocol/limits";

const n = (v: number): string => v.toLocaleString("en-US");
const yes = (ok: boolean): string => (ok ? "yes" : "**no**");

const STRATEGY: Record<StormResult["target"], string> = {
  bingo: "**tick batching (this server)**",
  "noop-ceiling": "noop-ceiling (baseline: acks, no work)",
  "noop-uws": "noop-ceiling on uWebSockets.js (baseline: bare Socket.IO through attachApp, acks, no work)",
  "per-request-atomic": "per-request-atomic (baseline: one Redis script per claim, count broadcast per claim)",
  "naive-counter": "naive-counter (baseline: DECR, compensating INCR, count broadcast per claim)",
};

function claimTable(r: BenchResults): string {
  const rows = [
    "| Strategy | Players (connected) | Acked | Lost | Claims/s | Ack p50 / p95 / p99 / max ms | `slots` delivery p50 / p99 ms | Oversold | Duplicate cards | Over limit | Contradicted repeats | Fluctuations | `EXEC`/claim | Redis cmds/claim | Redis CPU µs/claim | Node CPU ms/claim |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  const unknowns: string[] = [];
  for (const s of r.claimStorm) {
    const counts = s.target === "noop-ceiling" ? "– | – | – | – | –" : `${s.oversold} | ${s.duplicateCards} | ${s.overLimitPlayers} | ${s.contradictions} | ${n(s.fluctuations)}`;
    const slots = s.slotsMessages > 0 ? `${n(s.slotsLatencyMs.p50)} / ${n(s.slotsLatencyMs.p99)}` : "–";
    if (s.settledUnknown > 0) unknowns.push(`${STRATEGY[s.target]}: ${n(s.settledUnknown)}`);
    rows.push(
      `| ${STRATEGY[s.target]} | ${n(s.players)}${s.connected < s.players ? ` (${n(s.connected)})` : ""} | ${n(s.acked)} | ${n(s.lost)} | ${n(s.claimsPerSecond)} | ${n(s.latencyMs.p50)} / ${n(s.latencyMs.p95)} / ${n(s.latencyMs.p99)} / ${n(s.latencyMs.max)} | ${slots} | ${counts} | ${s.execPerClaim.toFixed(4)} | ${s.redisCommandsPerClaim.toFixed(2)} | ${(s.redisCpuMsPerClaim * 1000).toFixed(1)} | ${s.nodeCpuMsPerClaim.toFixed(2)} |`,
    );
  }
  // Not a loss: the store's reply came after REDIS_COMMAND_TIMEOUT_MS, and the repeat learnt the outcome.
  if (unknowns.length > 0) rows.push("", `Claims first answered \`OUTCOME_UNKNOWN\` and settled by sending them again with the same \`requestId\`, as the SDK does (their latency above runs to the settled answer): ${unknowns.join("; ")}.`);
  return rows.join("\n");
}

function holdLine(r: BenchResults): string {
  const held = r.claimStorm.find((s) => s.target === "bingo" && s.hold);
  if (!held?.hold) return "";
  return `\nConnections held: ${n(held.connected)} players connected across ${r.nodes} nodes in ${held.connectSeconds} s, held for ${held.hold.seconds} s: **${n(held.hold.heldAtEnd)} still connected** at the end, ${n(held.hold.unexpectedDisconnects)} unexpected disconnects.\n`;
}

function joinTable(r: BenchResults): string {
  const storms = r.claimStorm.filter((s) => s.joins);
  if (storms.length === 0) return "";
  const rows = [
    "| Join storm (every player sends `game:join` at once, after the claim storm, once every player holds its last count) | Players | Answered | With the game's snapshot | Lost | All answered after | Join p50 / p95 / p99 / max ms |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const s of storms) {
    const j = s.joins!;
    const snapshots = s.target === "bingo" ? n(j.ok) : "– (only subscribes)";
    rows.push(`| ${STRATEGY[s.target]} | ${n(j.players)} | ${n(j.answered)} | ${snapshots} | ${n(j.lost)} | ${j.seconds} s | ${n(j.latencyMs.p50)} / ${n(j.latencyMs.p95)} / ${n(j.latencyMs.p99)} / ${n(j.latencyMs.max)} |`);
  }
  const unsettled = storms.reduce((sum, s) => sum + (s.joins!.unsettled ?? 0), 0);
  if (unsettled > 0) rows.push("", `**${n(unsettled)} players did not hold the claim storm's last count when the joins began** (the wait for it timed out): its broadcast ran during the join storm.`);
  return rows.join("\n");
}

function fanoutTable(r: BenchResults): string {
  const f = r.drawFanout;
  if (!f) return "";
  return [
    "| Draw fan-out | Players | Draws | Fewest players reaching a draw | Draws not reaching all | Index gaps | Delivery p50 / p95 / p99 / max ms | Node CPU µs/delivery |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    `| host on one node, players on all | ${n(f.connected)} | ${f.draws} | ${n(f.fewestReceivers)} of ${n(f.connected)} | ${f.incompleteDraws} | ${f.gaps} | ${n(f.latencyMs.p50)} / ${n(f.latencyMs.p95)} / ${n(f.latencyMs.p99)} / ${n(f.latencyMs.max)} | ${f.nodeCpuUsPerDelivery} |`,
  ].join("\n");
}

function burstTable(r: BenchResults): string {
  const b = r.bingoBurst;
  if (!b) return "";
  const other = Object.entries(b.refusals).filter(([code]) => code !== "INVALID_CLAIM").map(([code, count]) => `, ${n(count)} ${code}`).join("");
  const winnersOk = b.missingWinners === 0 && b.unexpectedWinners === 0 && b.wrongOwners === 0;
  return [
    "| Bingo burst | Players (cards) | Balls drawn back to back (players look on the last) | Calls | Accepted | Refused by the fair-winner rule: later ball / too late | Wrongly refused | Lost acks | Calls answered/s | Ack p50 / p99 / max ms | Award | Winners = the earliest ball's calls | Equal split | Record verifies | Clients without / with another award | Winners not told / wrongly told (\`bingo:won\`) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    `| auto-claim off, players check their own cards | ${n(b.connected)} (${n(b.cards)}) | ${b.balls} | ${n(b.calls)} | ${n(b.accepted)} | ${n(b.refusedLaterBall)} / ${n(b.refusedLate)} | ${b.wronglyRefused}${other} | ${b.lost} | ${n(b.callsPerSecond)} | ${n(b.latencyMs.p50)} / ${n(b.latencyMs.p99)} / ${n(b.latencyMs.max)} | ball #${b.awardBall + 1}, ${b.winners} winner(s) | ${yes(winnersOk)} | ${yes(b.splitCorrect)} | ${yes(b.recordVerified)} | ${b.clientsWithoutAward} / ${b.clientsWithOtherAward} | ${b.winnersNotTold ?? "–"} / ${b.wrongTold ?? "–"} |`,
    // bench.json files written before 2026-12-07 23:30 UTC lack the field.
    ...(b.awardMessageBytes ? ["", `The award's \`winners\` message (${n(b.winners)} winner(s), the first ${DEFAULT_AWARD_WINNERS_SHOWN} listed): ${kib(b.awardMessageBytes)} to each of the ${n(b.connected)} clients, ${mib(b.awardMessageBytes * b.connected)} written by the nodes for it.`] : []),
    // bench.json files written before 2026-12-07 lack the field.
    ...((b.settledUnknown ?? 0) > 0 ? ["", `Calls first answered \`OUTCOME_UNKNOWN\` and settled by sending them again with the same \`requestId\`, as the SDK does (their latency above runs to the settled answer): ${n(b.settledUnknown)}.`] : []),
  ].join("\n");
}

function reconnectTable(r: BenchResults): string {
  if (r.reconnectStorm.length === 0) return "";
  const rows = [
    "| Reconnect storm | Server | Players | Dropped | Rejoined | Failed | Attempts per client | All rejoined after | vs the no-op server | Rejoin p50 / p99 / max ms | Snapshots differing from the host's | Card lists differing |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const s of r.reconnectStorm) {
    const mode = s.mode === "all-clients" ? `every client drops at once (${s.nodes} nodes)` : `one node of ${s.nodes} killed (\`kill -9\`), its clients move to the others`;
    const noop = r.reconnectStorm.find((o) => o.target === "noop-ceiling" && o.mode === s.mode);
    const ratio = s.target === "bingo" && noop && noop.failed === 0 && noop.secondsUntilAllRejoined > 0 ? `${(s.secondsUntilAllRejoined / noop.secondsUntilAllRejoined).toFixed(2)}×` : "";
    const server = s.target === "bingo" ? "this server" : "no-op Socket.IO";
    const checks = s.target === "bingo" ? `${s.inconsistentStates} | ${s.cardMismatches}` : "– | –";
    rows.push(
      `| ${mode} | ${server} | ${n(s.connected)} | ${n(s.dropped)} | ${n(s.reconnected)} | ${s.failed} | ${s.attemptsPerClient} | ${s.secondsUntilAllRejoined} s | ${ratio} | ${n(s.latencyMs.p50)} / ${n(s.latencyMs.p99)} / ${n(s.latencyMs.max)} | ${checks} |`,
    );
  }
  return [rows.join("\n"), reconnectFailures(r.reconnectStorm)].filter((part) => part !== "").join("\n\n");
}

/** Why attempts failed, as the clients saw it and as the nodes counted it. */
function reconnectFailures(storms: BenchResults["reconnectStorm"]): string {
  const counts = (record: Record<string, number> | undefined): string =>
    Object.entries(record ?? {})
      .filter(([, count]) => count > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([what, count]) => `${n(count)} ${what}`)
      .join(", ") || "none";
  const lines = storms.map((s) => {
    const server = s.target === "bingo" ? "this server" : "the no-op server";
    const upgrades = s.nodeCounters?.upgrades;
    const waited = upgrades ? `; of the ${n(upgrades.read)} upgrades they read, ${n(upgrades.over10s)} had waited for the node over 10 s and ${n(upgrades.over20s)} over 20 s` : "";
    const nodes = s.nodeCounters ? `; the nodes closed ${counts(s.nodeCounters.cut)} and refused at connect ${counts(s.nodeCounters.refused)}${waited}` : "";
    return `- ${s.mode === "all-clients" ? "Every client drops" : "Node killed"}, ${server}: failed attempts ${counts(s.failedAttempts)}${nodes}.`;
  });
  return lines.length > 0 ? ["Why reconnect attempts failed (as the clients saw it; what the nodes counted):", "", ...lines].join("\n") : "";
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

function soakTable(r: BenchResults): string {
  const s = r.soak;
  if (!s) return "";
  const t = s.tolerance;
  const heaps = s.start.heapBytes.map((start, i) => `${mib(start)} → ${mib(s.end.heapBytes[i])}`).join("; ");
  const unexpected = Object.entries(s.unexpected).map(([what, count]) => `${count} ${what}`).join(", ") || "none";
  const leftovers = Object.entries(s.leftoverKeys).map(([kind, count]) => `${count} \`${kind}\``).join(", ") || "none";
  return [
    `**Soak** — ${s.seconds} s of rolling games on ${s.nodes} nodes: ${s.lanes} games at a time, each with ${s.playersPerGame} players who join, claim a card, and come and go during a round of 20 balls (auto-claim on) until the host ends it; then everyone leaves and finished games expire (GAME_TTL_SECONDS 60). Memory is taken after one warm-up game per lane and again at the end (heap: lowest of a few samples). Flat means the end is within max(${mib(t.heapBytes)}, ${t.heapShare * 100} %) of the start for each node's heap and within max(${mib(t.redisBytes)}, ${t.redisShare * 100} %) for Redis.`,
    "",
    "| Soak | Games | Player sessions | Cards | Draws | Unexpected answers | Node heap used, start → end | Heap flat | Redis used_memory, start → end | Redis flat | Per-game state left on nodes | Keys left on Redis |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    `| ${s.seconds} s, ${s.nodes} nodes | ${n(s.gamesFinished)} | ${n(s.sessions)} | ${n(s.cardsGranted)} | ${n(s.draws)} | ${unexpected} | ${heaps} | ${yes(s.heapFlat)} | ${mib(s.start.redisBytes)} → ${mib(s.end.redisBytes)} (${n(s.start.redisKeys)} → ${n(s.end.redisKeys)} keys) | ${yes(s.redisFlat)} | ${s.nodeGameStateEnd} | ${leftovers} |`,
  ].join("\n");
}

/** The performance targets the project holds itself to, each with the measured figure and whether it is met. */
function targets(r: BenchResults): string {
  const bingo = r.claimStorm.find((s) => s.target === "bingo");
  const ceiling = r.claimStorm.find((s) => s.target === "noop-ceiling");
  const atomic = r.claimStorm.find((s) => s.target === "per-request-atomic");
  const naive = r.claimStorm.find((s) => s.target === "naive-counter");
  const rows = ["| Target | Measured | Met |", "| --- | --- | --- |"];
  if (bingo?.hold) rows.push(`| ${n(bingo.players)} players held across ${r.nodes} nodes for ${bingo.hold.seconds} s | ${n(bingo.hold.heldAtEnd)} held, ${bingo.hold.unexpectedDisconnects} dropped | ${yes(bingo.hold.heldAtEnd === bingo.players && bingo.hold.unexpectedDisconnects === 0)} |`);
  if (bingo) {
    rows.push(`| ${n(bingo.players)} players connected across ${r.nodes} nodes | ${n(bingo.connected)} connected in ${bingo.connectSeconds} s | ${yes(bingo.connected === bingo.players)} |`);
    const clean = bingo.lost === 0 && bingo.acked === bingo.connected && bingo.oversold + bingo.duplicateCards + bingo.overLimitPlayers + bingo.fluctuations + bingo.contradictions === 0;
    rows.push(`| Every claim acked; oversold, duplicates, over-limit, fluctuations 0 | ${n(bingo.acked)} of ${n(bingo.connected)} acked, ${bingo.lost} lost; ${bingo.oversold} / ${bingo.duplicateCards} / ${bingo.overLimitPlayers} / ${bingo.fluctuations} | ${yes(clean)} |`);
    if (ceiling) {
      const share = bingo.claimsPerSecond / Math.max(1, ceiling.claimsPerSecond);
      rows.push(`| Claims/s ≥ 60 % of noop-ceiling (same run) | ${n(bingo.claimsPerSecond)} of ${n(ceiling.claimsPerSecond)} = ${Math.round(share * 100)} % | ${yes(share >= 0.6)} |`);
    }
    rows.push(`| \`EXEC\` calls per claim ≤ 0.05 | ${bingo.execPerClaim.toFixed(4)} | ${yes(bingo.execPerClaim <= 0.05)} |`);
    if (atomic) {
      const ratio = atomic.redisCpuMsPerClaim / Math.max(1e-9, bingo.redisCpuMsPerClaim);
      rows.push(`| Redis CPU per claim ≥ 5× lower than per-request-atomic | ${(bingo.redisCpuMsPerClaim * 1000).toFixed(1)} vs ${(atomic.redisCpuMsPerClaim * 1000).toFixed(1)} µs = ${ratio.toFixed(1)}× | ${yes(ratio >= 5)} |`);
    }
    const joins = bingo.joins;
    const noopJoins = ceiling?.joins;
    if (joins && noopJoins) {
      const ratio = joins.latencyMs.p99 / Math.max(1, noopJoins.latencyMs.p99);
      const clean = joins.lost === 0 && joins.ok === joins.players;
      rows.push(`| \`game:join\` of ${n(joins.players)} players at once: every one answered with the snapshot, p99 ≤ 1.5× the no-op server's | ${n(joins.ok)} of ${n(joins.players)}; p99 ${n(joins.latencyMs.p99)} vs ${n(noopJoins.latencyMs.p99)} ms = ${ratio.toFixed(2)}× | ${yes(clean && ratio <= 1.5)} |`);
    }
    rows.push(`| \`slots\` reaches every player, p99 ≤ 500 ms | p99 ${n(bingo.slotsLatencyMs.p99)} ms | ${yes(bingo.slotsLatencyMs.p99 <= 500)} |`);
  }
  if (r.drawFanout) {
    const f = r.drawFanout;
    rows.push(`| \`draw\` reaches all ${n(f.connected)} players, p99 ≤ 300 ms | ${f.incompleteDraws === 0 ? "all reached" : `${f.incompleteDraws} draws missed someone`}, p99 ${n(f.latencyMs.p99)} ms | ${yes(f.incompleteDraws === 0 && f.latencyMs.p99 <= 300)} |`);
  }
  for (const storm of r.reconnectStorm.filter((s) => s.target === "bingo")) {
    const noop = r.reconnectStorm.find((o) => o.target === "noop-ceiling" && o.mode === storm.mode);
    const clean = storm.failed === 0 && storm.reconnected === storm.dropped && storm.inconsistentStates + storm.cardMismatches === 0;
    const mode = storm.mode === "all-clients" ? "every client drops at once" : "a node killed";
    if (noop && noop.failed === 0) {
      const ratio = storm.secondsUntilAllRejoined / Math.max(0.1, noop.secondsUntilAllRejoined);
      rows.push(`| Reconnect storm (${mode}): all rejoin, ≤ 1.5× the no-op server's time for the same storm | ${n(storm.reconnected)} of ${n(storm.dropped)} in ${storm.secondsUntilAllRejoined} s vs ${noop.secondsUntilAllRejoined} s = ${ratio.toFixed(2)}× | ${yes(clean && ratio <= 1.5)} |`);
    } else {
      rows.push(`| Reconnect storm (${mode}): all rejoin, snapshots agree | ${n(storm.reconnected)} of ${n(storm.dropped)} in ${storm.secondsUntilAllRejoined} s | ${yes(clean)} |`);
    }
  }
  if (r.soak) {
    const s = r.soak;
    rows.push(`| Soak: node heap and Redis memory come back flat after ${s.seconds} s of rolling games | heap ${yes(s.heapFlat)}, Redis ${yes(s.redisFlat)}, per-game state left ${s.nodeGameStateEnd} | ${yes(s.heapFlat && s.redisFlat && s.nodeGameStateEnd === 0)} |`);
  }
  if (naive) rows.push(`| naive-counter shows fluctuations under the same storm | ${n(naive.fluctuations)} seen by clients | ${yes(naive.fluctuations > 0)} |`);
  return rows.join("\n");
}

export function benchMarkdown(r: BenchResults, chart: boolean): string {
  const m = r.machine;
  const baselineN = r.claimStorm.filter((s) => s.target === "per-request-atomic" || s.target === "naive-counter").map((s) => s.players);
  const bingoN = r.claimStorm.find((s) => s.target === "bingo")?.players;
  const smaller = baselineN.length > 0 && bingoN !== undefined && baselineN[0] < bingoN;
  return [
    `Measured ${r.date.slice(0, 10)} on ${m.cpus} cores (${m.model}), ${m.memoryGiB} GiB, Node ${m.node}, Redis ${m.redis}; the load generator (${r.workers} worker processes of bare Socket.IO clients) on the same machine, ${r.nodes} server nodes, one private Redis; ${r.wallSeconds} s for the whole run. Reproduce with:`,
    "",
    "```sh",
    r.command,
    "```",
    "",
    r.claimStorm.length === 0 ? "" : "**Claim storm** — every player claims 1 card the moment claims open, for slots = 75 % of the players, at most 2 per player; every 10th player repeats its claim with the same `requestId`. Correctness is counted at the clients." +
      (smaller
        ? ` The per-request baselines run at ${n(baselineN[0])} players: they broadcast the count after every request, O(players²) socket writes, and would not finish in the bench's time at ${n(bingoN)}.`
        : ""),
    "",
    r.claimStorm.length === 0 ? "" : claimTable(r),
    holdLine(r),
    chart ? `![Claims acked per second and slots remaining during the claim storm](${basename(DOCS_CHART)})\n` : "",
    joinTable(r),
    "",
    fanoutTable(r),
    "",
    burstTable(r),
    "",
    reconnectTable(r),
    "",
    soakTable(r),
    "",
    r.failures.length > 0 ? `**Failed to run:** ${r.failures.map((f) => `\`${f}\``).join("; ")}\n` : "",
    "**Targets** (what the project aims for), checked against this run:",
    "",
    targets(r),
  ]
    .filter((line, i, all) => !(line === "" && all[i - 1] === ""))
    .join("\n");
}
