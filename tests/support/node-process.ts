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

/**
 * A node process that has also reached its store: since a node listens before Redis is
 * reached (it waits for it), a test that acts at once must wait for /readyz to say 200.
 * Nothing announces readiness, so this polls (bounded).
 */
export async function startReadyNodeProcess(env: Record<string, string>, withinMs = 30_000): Promise<NodeProcess> {
  const node = await startNodeProcess(env);
  const deadline = Date.now() + withinMs;
  while ((await fetch(`${node.url}/readyz`)).status !== 200) {
    if (Date.now() > deadline) {
      await node.stop();
      throw new Error(`${node.url}/readyz not 200 within ${withinMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return node;
}
