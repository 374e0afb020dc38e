/** What `npm run bench` writes to bench-results/bench.json, and `npm run capacity` reads. */
import type { BurstResult } from "../loadtest/bingo-burst";
import type { EngineResult } from "./engines";
import type { FanoutResult } from "../loadtest/draw-fanout";
import type { ReconnectResult } from "../loadtest/reconnect-storm";
import type { SoakResult } from "../loadtest/soak";
import type { StormResult } from "../loadtest/storm";

export const SCENARIOS = ["claim-storm", "draw-fanout", "bingo-burst", "reconnect-storm"] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface BenchResults {
  readonly date: string;
  readonly machine: { readonly cpus: number; readonly model: string; readonly memoryGiB: number; readonly node: string; readonly redis: string };
  /** The command line that produced this file. */
  readonly command: string;
  readonly nodes: number;
  readonly workers: number;
  readonly wallSeconds: number;
  /** This server first, then the baselines (each labelled with its own player count). */
  readonly claimStorm: StormResult[];
  readonly drawFanout: FanoutResult | null;
  readonly bingoBurst: BurstResult | null;
  readonly reconnectStorm: ReconnectResult[];
  /** `--soak S`: rolling games for S seconds, memory at the start and the end (absent in older files). */
  readonly soak?: SoakResult | null;
  /** `--engines`: the claim storm and draw fan-out once per WebSocket engine (absent without it). */
  readonly engines?: EngineResult[];
  /** Scenarios that failed to run to the end, with why. */
  readonly failures: string[];
}

export const RESULTS_FILE = "bench-results/bench.json";
export const CHART_FILE = "bench-results/claim-storm.png";
/** Where `--docs` writes the tables and the chart (the page links the chart by its file name). */
export const PERFORMANCE_DOC = "docs/performance.md";
export const DOCS_CHART = "docs/claim-storm.png";
