import { spawn } from "node:child_process";
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

/** Runs the built server to its exit (for start-up refusals); resolves with the exit code and what it wrote to stderr. */
export function runNodeToExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? "", PORT: "0", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stderr })));
}
