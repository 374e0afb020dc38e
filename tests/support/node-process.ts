import { distPath } from "../../scripts/lib/dist-path";
import type { ServerProcess } from "../../scripts/lib/server-process";
import { startServerProcess } from "../../scripts/lib/server-process";

const MAIN = distPath("server", "main.js");

export type NodeProcess = ServerProcess;

/**
 * The built server (dist/, made by `npm test`'s pretest build) as its own process on a
 * free port, exactly as `npm start` runs it. Resolves once it logs that it listens.
 */
export function startNodeProcess(env: Record<string, string>): Promise<NodeProcess> {
  return startServerProcess(MAIN, [], { PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...env });
}
