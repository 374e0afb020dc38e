/**
 * `npm run bench -- --engines ws,ws-native,uws`: the claim storm and the draw fan-out
 * once per WebSocket engine in the same run (same Redis, same load generator, same noop
 * ceiling), so their figures can be set side by side on a noisy shared machine.
 */
import type { FanoutResult } from "../loadtest/draw-fanout";
import type { StormResult, Target } from "../loadtest/storm";
import { runningWsEngine } from "../../server/transport/ws-engine";
import { loadUws, UWS_PACKAGE } from "./uws-build";

export const BENCH_ENGINES = ["ws", "ws-native", "uws"] as const;
export type BenchEngine = (typeof BENCH_ENGINES)[number];

/** How one engine is run: which target, with what environment on its nodes; or why it cannot run here. */
export interface EngineSetup {
  readonly engine: BenchEngine;
  readonly label: string;
  /** This server, or (uws) the noop baseline: uWS needs attachApp, which this server does not use. */
  readonly target: Extract<Target, "bingo" | "noop-uws">;
  readonly nodeEnv: Readonly<Record<string, string>>;
  /** Why the engine cannot be measured on this machine and Node line. */
  readonly unavailable?: string;
}

export interface EngineResult {
  readonly engine: BenchEngine;
  readonly label: string;
  /** Which round of the run (the order of the engines alternates between rounds). */
  readonly round: number;
  /** The noop ceiling (plain ws) measured at the start of the same round, if it ran. */
  readonly ceilingClaimsPerSecond: number | null;
  readonly unavailable?: string;
  readonly storm: StormResult | null;
  readonly fanout: FanoutResult | null;
}

/** ws decides at load whether to use bufferutil: the variables keep plain ws plain when it is installed. */
const PLAIN_WS = { WS_NO_BUFFER_UTIL: "1", WS_NO_UTF_8_VALIDATE: "1" };

function whyNot(load: () => unknown): string | undefined {
  try {
    load();
    return undefined;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).split("\n")[0];
  }
}

/** Decided in this process the way each node decides (same Node, same node_modules). */
export function engineSetup(engine: BenchEngine): EngineSetup {
  switch (engine) {
    case "ws":
      return { engine, label: "ws (default)", target: "bingo", nodeEnv: { ...PLAIN_WS } };
    case "ws-native": {
      const running = runningWsEngine(require, {});
      return {
        engine,
        label: "ws + bufferutil, utf-8-validate",
        target: "bingo",
        nodeEnv: {},
        ...(running === "ws-native" ? {} : { unavailable: "bufferutil is not installed (npm install --no-save bufferutil utf-8-validate)" }),
      };
    }
    case "uws": {
      const why = whyNot(loadUws);
      return {
        engine,
        label: `uWebSockets.js (${UWS_PACKAGE}), baseline: bare Socket.IO through attachApp, noop acks`,
        target: "noop-uws",
        nodeEnv: {},
        ...(why ? { unavailable: `no uWS binary for Node ${process.versions.node} (${why})` } : {}),
      };
    }
  }
}

export function parseEngines(list: string): BenchEngine[] {
  const engines = list.split(",").map((e) => e.trim()).filter(Boolean) as BenchEngine[];
  for (const e of engines) if (!BENCH_ENGINES.includes(e)) throw new Error(`unknown engine ${e} (one of ${BENCH_ENGINES.join(", ")})`);
  return engines;
}

const n = (v: number): string => v.toLocaleString("en-US");

/** One table: engine × round, draw fan-out delivery and CPU, claim storm rate and its share of the round's noop ceiling. */
export function enginesMarkdown(engines: readonly EngineResult[], players: number): string {
  const rounds = Math.max(...engines.map((e) => e.round));
  const rows = [
    `**WebSocket engines** — the same ${n(players)}-player claim storm and draw fan-out per engine, in one run of ${rounds} round(s); the engines' order alternates between rounds, and each round starts with the noop-ceiling (plain ws) that its shares are of.`,
    "",
    "| Engine | Round (noop-ceiling claims/s) | Draw delivery p50 / p99 ms | Node CPU µs/delivery | Claims/s | Share of noop-ceiling | `slots` delivery p50 / p99 ms | Node CPU ms/claim | Lost / oversold / gaps |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  const order = [...new Set(engines.map((e) => e.engine))];
  const sorted = [...engines].sort((a, b) => order.indexOf(a.engine) - order.indexOf(b.engine) || a.round - b.round);
  for (const e of sorted) {
    if (e.unavailable) {
      if (e.round === 1) rows.push(`| ${e.label} | – | not run: ${e.unavailable.replace(/\|/g, "\\|")} | | | | | | |`);
      continue;
    }
    const f = e.fanout;
    const s = e.storm;
    const round = `${e.round} (${e.ceilingClaimsPerSecond === null ? "–" : n(e.ceilingClaimsPerSecond)})`;
    const fan = f ? `${n(f.latencyMs.p50)} / ${n(f.latencyMs.p99)} | ${f.nodeCpuUsPerDelivery.toFixed(1)}` : "– | –";
    const share = s && e.ceilingClaimsPerSecond ? `${Math.round((s.claimsPerSecond / e.ceilingClaimsPerSecond) * 100)} %` : "–";
    const slots = s && s.target === "bingo" ? `${n(s.slotsLatencyMs.p50)} / ${n(s.slotsLatencyMs.p99)}` : "–";
    const storm = s ? `${n(s.claimsPerSecond)} | ${share} | ${slots} | ${s.nodeCpuMsPerClaim.toFixed(2)}` : "– | – | – | –";
    const correct = s && s.target === "bingo" ? `${s.lost} / ${s.oversold} / ${f ? f.gaps : "–"}` : s ? `${s.lost} / – / –` : "–";
    rows.push(`| ${e.label} | ${round} | ${fan} | ${storm} | ${correct} |`);
  }
  return rows.join("\n");
}
