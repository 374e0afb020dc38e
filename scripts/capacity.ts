/**
 * `npm run capacity`: the capacity model for a large game, from the last bench run's JSON
 * (bench-results/bench.json). Prints the markdown; --docs (or --readme) writes it into docs/performance.md.
 *
 *   npm run capacity -- [--players 200000] [--file bench-results/bench.json] [--docs]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_GOALS, capacityMarkdown } from "./bench/capacity-model";
import { replaceSection } from "./bench/doc-section";
import { PERFORMANCE_DOC } from "./bench/results";
import type { BenchResults } from "./bench/results";
import { RESULTS_FILE } from "./bench/results";

const { values } = parseArgs({
  options: {
    players: { type: "string", default: String(DEFAULT_GOALS.players) },
    file: { type: "string", default: RESULTS_FILE },
    docs: { type: "boolean", default: false },
    readme: { type: "boolean", default: false },
  },
});
const results = JSON.parse(readFileSync(values.file!, "utf8")) as BenchResults;
const markdown = capacityMarkdown(results, { ...DEFAULT_GOALS, players: Number(values.players) });
if (values.docs || values.readme) writeFileSync(PERFORMANCE_DOC, replaceSection(readFileSync(PERFORMANCE_DOC, "utf8"), "capacity", markdown));
process.stdout.write(`${markdown}\n`);
