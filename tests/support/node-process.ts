import { distPath } from "../../scripts/lib/dist-path";
import type { ServerProcess } from "../../scripts/lib/server-process";
import { startServerProcess } from "../../scripts/lib/server-process";

const MAIN = distPath("server", "main.js");

export type NodeProcess = ServerProcess;

/** The line the server logs once its store is reached (Redis and its function library). */
export const READY_LINE = /backends ready/;

/**
 * The built server (dist/, made by `npm test`'s pretest build) as its own process on a
 * free port, exactly as `npm start` runs it. Resolves once it logs that its store is ready
 * (a node listens before it reaches Redis); `{ ready: false }` resolves as soon as it
 * listens, for tests of a node whose Redis is not there yet.
 */
export function startNodeProcess(env: Record<string, string>, { ready = true }: { ready?: boolean } = {}): Promise<NodeProcess> {
  return startServerProcess(MAIN, [], { PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...env }, ready ? READY_LINE : undefined);
}
