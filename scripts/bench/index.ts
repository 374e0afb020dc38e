/**
 * `npm run bench`: every scenario of the load generator against this server, and the claim
 * storm against the labelled baselines, on one machine with one private Redis. Prints the
 * markdown, writes bench-results/bench.json and the chart; --docs (or its old name --readme)
 * also writes them into docs/performance.md (and the chart into docs/).
 *
 *   npm run bench -- --players 20000 --hold 60 --scenarios claim-storm,draw-fanout --kill-node
 *   npm run bench -- --soak 60        (the soak alone; add --scenarios to run others too)
 *   npm run bench -- --scenarios claim-storm,draw-fanout --baselines noop-ceiling --engines ws,ws-native,uws
 *   npm run bench -- --players 50000 --nodes 4 --workers 8 --scenarios reconnect-storm --node-env MAX_HANDSHAKES=1000000
 *   npm run bench -- --players 50000 --nodes 4 --workers 8 --hold 60 --kill-node --baselines noop-ceiling --docs --docs-section bench-50k
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { startRedis } from "../lib/private-redis";
import { runBingoBurst } from "../loadtest/bingo-burst";
import { runDrawFanout } from "../loadtest/draw-fanout";
import { runReconnectStorm } from "../loadtest/reconnect-storm";
import type { SoakResult } from "../loadtest/soak";
import { runSoak } from "../loadtest/soak";
import type { StormResult, Target } from "../loadtest/storm";
import { runClaimStorm } from "../loadtest/storm";
import { capacityMarkdown } from "./capacity-model";
import type { EngineResult } from "./engines";
import { engineSetup, enginesMarkdown, parseEngines } from "./engines";
import { chartPng } from "./chart";
import { replaceSection } from "./doc-section";
import { benchMarkdown } from "./report";
import type { BenchResults, Scenario } from "./results";
import { CHART_FILE, DOCS_CHART, PERFORMANCE_DOC, RESULTS_FILE, SCENARIOS } from "./results";

const BASELINES: Target[] = ["noop-ceiling", "per-request-atomic", "naive-counter"];
/** Baselines that broadcast after every request (O(N²) writes): run at their own, smaller N. */
const PER_REQUEST: Target[] = ["per-request-atomic", "naive-counter"];

const { values } = parseArgs({
  options: {
    players: { type: "string", default: "5000" },
    "baseline-players": { type: "string", default: "1000" },
    scenarios: { type: "string" },
    baselines: { type: "string", default: BASELINES.join(",") },
    nodes: { type: "string", default: "2" },
    workers: { type: "string", default: "4" },
    hold: { type: "string", default: "0" },
    draws: { type: "string", default: "10" },
    "burst-balls": { type: "string", default: "30" },
    "kill-node": { type: "boolean", default: false },
    soak: { type: "string" },
    "soak-lanes": { type: "string", default: "4" },
    "soak-players": { type: "string", default: "25" },
    engines: { type: "string" },
    "engine-rounds": { type: "string", default: "2" },
    /** NODE_OPTIONS for every server node of the run (this server's and the baselines'). */
    "node-options": { type: "string" },
    /** Settings for this server's nodes, as NAME=value pairs separated by commas (docs/configuration.md), e.g. MAX_HANDSHAKES=1000. */
    "node-env": { type: "string" },
    docs: { type: "boolean", default: false },
    /** With --docs: the page's section for this run's tables (bench: the main 20,000-player ones, with the chart). */
    "docs-section": { type: "string", default: "bench" },
    readme: { type: "boolean", default: false },
  },
});

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

async function redisVersion(url: string): Promise<string> {
  const admin = new Redis(url);
  try {
    return /redis_version:([\d.]+)/.exec(await admin.info("server"))?.[1] ?? "?";
  } finally {
    admin.disconnect();
  }
}

async function main(): Promise<void> {
  const players = Number(values.players);
  const baselinePlayers = Math.min(players, Number(values["baseline-players"]));
  const nodes = Number(values.nodes);
  const workers = Number(values.workers);
  const soakSeconds = values.soak === undefined ? null : Number(values.soak);
  if (soakSeconds !== null && !(soakSeconds > 0)) throw new Error("--soak takes a number of seconds");
  // --soak alone runs only the soak; the other scenarios run when asked for (or without --soak).
  const scenarios = (values.scenarios ?? (soakSeconds === null ? SCENARIOS.join(",") : "")).split(",").filter(Boolean) as Scenario[];
  for (const s of scenarios) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s} (one of ${SCENARIOS.join(", ")})`);
  const baselines = (scenarios.includes("claim-storm") ? values.baselines! : "").split(",").filter(Boolean) as Target[];
  for (const b of baselines) if (!BASELINES.includes(b)) throw new Error(`unknown baseline ${b} (one of ${BASELINES.join(", ")})`);
  // --engines: this server's claim storm and draw fan-out run once per engine instead of once.
  const engines = values.engines === undefined ? [] : parseEngines(values.engines);
  const rounds = Number(values["engine-rounds"]);
  if (!(Number.isInteger(rounds) && rounds >= 1)) throw new Error("--engine-rounds takes a whole number ≥ 1");
  const engineResults: EngineResult[] = [];
  const base = { nodes, workers, nodeOptions: values["node-options"], nodeSettings: parseNodeEnv(values["node-env"]) };
  const started = performance.now();
  const redis = await startRedis();
  const results: { -readonly [K in keyof Omit<BenchResults, "wallSeconds">]: BenchResults[K] } & { claimStorm: StormResult[]; reconnectStorm: BenchResults["reconnectStorm"]; soak: SoakResult | null } = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? "?", memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version.slice(1), redis: await redisVersion(redis.url) },
    command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
    nodes,
    workers,
    claimStorm: [],
    drawFanout: null,
    bingoBurst: null,
    reconnectStorm: [],
    soak: null,
    failures: [],
  };
  /** Runs one scenario; a failure is recorded and reported, and the others still run. */
  const attempt = async (name: string, run: () => Promise<void>): Promise<void> => {
    log(`${name}...`);
    try {
      await run();
    } catch (error) {
      const message = `${name}: ${error instanceof Error ? error.message : String(error)}`;
      log(`FAILED ${message}`);
      results.failures.push(message);
    }
  };
  try {
    if (scenarios.includes("claim-storm")) {
      for (const target of ["noop-ceiling", "bingo", ...baselines.filter((b) => b !== "noop-ceiling")] as Target[]) {
        if (target === "noop-ceiling" && !baselines.includes(target)) continue;
        if (target === "bingo" && engines.length > 0) continue;
        const n = PER_REQUEST.includes(target) ? baselinePlayers : players;
        await attempt(`claim storm: ${target}, ${n} players`, async () => {
          const result = await runClaimStorm({
            ...base,
            target,
            redisUrl: redis.url,
            players: n,
            totalSlots: Math.floor(n * 0.75),
            maxPerPlayer: 2,
            count: 1,
            repeatEvery: 10,
            // The no-op ceiling holds as long as this server does, so the ratio compares storms
            // after the same idle time.
            holdSeconds: target === "bingo" || target === "noop-ceiling" ? Number(values.hold) : 0,
            // The join storm's yardstick is the no-op server's, in the same run.
            joinStorm: target === "bingo" || target === "noop-ceiling",
          });
          results.claimStorm.push(result);
        });
      }
    }
    // Rounds alternate the engines' order, so that whatever drifts during a run (the machine's
    // other load, Redis's memory) does not always favour the engine that runs last.
    for (let round = 1; round <= (engines.length > 0 ? rounds : 0); round++) {
      let ceiling = round === 1 ? (results.claimStorm.find((s) => s.target === "noop-ceiling") ?? null) : null;
      if (round > 1 && baselines.includes("noop-ceiling")) {
        await attempt(`round ${round}: claim storm: noop-ceiling, ${players} players`, async () => {
          ceiling = await runClaimStorm({ ...base, target: "noop-ceiling", redisUrl: redis.url, players, totalSlots: Math.floor(players * 0.75), maxPerPlayer: 2, count: 1, repeatEvery: 10 });
        });
      }
      const ceilingClaimsPerSecond = (ceiling as StormResult | null)?.claimsPerSecond ?? null;
      for (const engine of round % 2 === 1 ? engines : [...engines].reverse()) {
        const setup = engineSetup(engine);
        if (setup.unavailable) {
          if (round === 1) log(`engine ${engine}: not run: ${setup.unavailable}`);
          engineResults.push({ engine, label: setup.label, round, ceilingClaimsPerSecond, unavailable: setup.unavailable, storm: null, fanout: null });
          continue;
        }
        // Filled by the attempts below (a failed one leaves its part null).
        const run: { storm: StormResult | null; fanout: EngineResult["fanout"] } = { storm: null, fanout: null };
        if (scenarios.includes("claim-storm")) {
          await attempt(`round ${round}: claim storm on ${engine}: ${players} players`, async () => {
            run.storm = await runClaimStorm({ ...base, target: setup.target, nodeEnv: setup.nodeEnv, redisUrl: redis.url, players, totalSlots: Math.floor(players * 0.75), maxPerPlayer: 2, count: 1, repeatEvery: 10 });
          });
        }
        // The draw needs this server (a host drawing balls): the uWS baseline only acks.
        if (scenarios.includes("draw-fanout") && setup.target === "bingo") {
          await attempt(`round ${round}: draw fan-out on ${engine}: ${players} players, ${values.draws} draws`, async () => {
            run.fanout = await runDrawFanout({ ...base, nodeEnv: setup.nodeEnv, redisUrl: redis.url, players, draws: Number(values.draws) });
          });
        }
        engineResults.push({ engine, label: setup.label, round, ceilingClaimsPerSecond, ...run });
        // The first engine of this server also fills the usual tables and the capacity model.
        if (run.storm && setup.target === "bingo" && !results.claimStorm.some((s) => s.target === "bingo")) results.claimStorm.push(run.storm);
        if (run.fanout && !results.drawFanout) results.drawFanout = run.fanout;
      }
    }
    if (scenarios.includes("draw-fanout") && engines.length === 0) {
      await attempt(`draw fan-out: ${players} players, ${values.draws} draws`, async () => {
        results.drawFanout = await runDrawFanout({ ...base, redisUrl: redis.url, players, draws: Number(values.draws) });
      });
    }
    if (scenarios.includes("bingo-burst")) {
      await attempt(`bingo burst: ${players} players`, async () => {
        results.bingoBurst = await runBingoBurst({ ...base, redisUrl: redis.url, players, cardsPerPlayer: 2, balls: Number(values["burst-balls"]), claimGraceMs: 10_000 });
      });
    }
    if (scenarios.includes("reconnect-storm")) {
      // The no-op server's storm first: the same generator's time is the yardstick (--baselines without noop-ceiling skips it).
      const targets = values.baselines!.split(",").includes("noop-ceiling") ? (["noop-ceiling", "bingo"] as const) : (["bingo"] as const);
      for (const killNode of values["kill-node"] ? [false, true] : [false]) {
        for (const target of targets) {
          await attempt(`reconnect storm (${killNode ? "node killed" : "all clients"}) on ${target}: ${players} players`, async () => {
            // A killed node's clients move to the others: one node more, so that the survivors end
            // with as many sockets each as before (one process holds at most ~20,000 files here).
            const stormNodes = killNode ? nodes + 1 : nodes;
            results.reconnectStorm.push(await runReconnectStorm({ ...base, nodes: stormNodes, target, redisUrl: redis.url, players, killNode, draws: 3, progress: (line) => log(`  ${line}`) }));
          });
        }
      }
    }
    if (soakSeconds !== null) {
      await attempt(`soak: ${soakSeconds} s of rolling games`, async () => {
        results.soak = await runSoak({
          redisUrl: redis.url,
          nodes,
          seconds: soakSeconds,
          lanes: Number(values["soak-lanes"]),
          playersPerGame: Number(values["soak-players"]),
          drawsPerGame: 20,
          gameTtlSeconds: 60,
          progress: log,
        });
      });
    }
  } finally {
    await redis.stop();
  }
  const report: BenchResults = { ...results, ...(engines.length > 0 ? { engines: engineResults } : {}), wallSeconds: Math.round((performance.now() - started) / 1000) };
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  const storm = report.claimStorm.find((s) => s.target === "bingo");
  if (storm) {
    writeFileSync(
      CHART_FILE,
      chartPng({
        title: `Claim storm: ${storm.players.toLocaleString("en-US")} players, ${storm.totalSlots.toLocaleString("en-US")} slots, ${nodes} nodes`,
        rate: storm.claimsPerSecondSeries,
        remaining: storm.remainingSeries,
        totalSlots: storm.totalSlots,
      }),
    );
  }
  const section = values["docs-section"]!;
  // Only the main section shows the chart: docs/ holds one.
  const markdown = benchMarkdown(report, storm !== undefined && section === "bench");
  const capacity = capacityMarkdown(report);
  const enginesTable = report.engines ? `${enginesMarkdown(report.engines, players)}\n\n` : "";
  writeFileSync("bench-results/bench.md", `${enginesTable}${markdown}\n\n${capacity}\n`);
  if ((values.docs || values.readme) && report.engines) {
    // An engine comparison rewrites only its own table: the page's main tables come from their own full run.
    writeFileSync(PERFORMANCE_DOC, replaceSection(readFileSync(PERFORMANCE_DOC, "utf8"), "engines", `${enginesIntro(report)}\n\n${enginesTable.trimEnd()}`));
    log(`${PERFORMANCE_DOC} (WebSocket engines) rewritten`);
  } else if (values.docs || values.readme) {
    if (storm && section === "bench") {
      mkdirSync(dirname(DOCS_CHART), { recursive: true });
      copyFileSync(CHART_FILE, DOCS_CHART);
    }
    let page = replaceSection(readFileSync(PERFORMANCE_DOC, "utf8"), section, markdown);
    page = replaceSection(page, section === "bench" ? "capacity" : `${section}-capacity`, capacity);
    writeFileSync(PERFORMANCE_DOC, page);
    log(`${PERFORMANCE_DOC} rewritten`);
  }
  process.stdout.write(`${enginesTable}${markdown}\n\n${capacity}\n`);
  if (report.failures.length > 0) process.exitCode = 1;
  log(`wrote ${RESULTS_FILE}, ${storm ? `${CHART_FILE}, ` : ""}bench-results/bench.md in ${report.wallSeconds} s`);
}

/** When, where and with what the engine table was measured. */
function enginesIntro(r: BenchResults): string {
  const m = r.machine;
  return `Measured ${r.date.slice(0, 10)} on ${m.cpus} cores (${m.model.trim()}), ${m.memoryGiB} GiB, Node ${m.node}, Redis ${m.redis}; ${r.nodes} server nodes and the load generator (${r.workers} worker processes) on the same machine; ${r.wallSeconds} s for the whole run. Reproduce with:\n\n\`\`\`sh\n${r.command}\n\`\`\``;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

/** --node-env NAME=value,NAME=value: environment for this server's nodes. */
function parseNodeEnv(text: string | undefined): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const pair of (text ?? "").split(",").filter(Boolean)) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new Error(`--node-env takes NAME=value pairs separated by commas, got "${pair}"`);
    settings[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return settings;
}
