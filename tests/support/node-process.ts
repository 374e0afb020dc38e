import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";

const MAIN = join(__dirname, "..", "..", "dist", "server", "main.js");

export interface NodeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** SIGTERM, then wait for exit. */
  stop(): Promise<void>;
}

/**
 * The built server (dist/, made by `npm test`'s pretest build) as its own process on a
 * free port, exactly as `npm start` runs it. Resolves once it logs that it listens.
 */
export function startNodeProcess(env: Record<string, string>): Promise<NodeProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? "", PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let log = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (log += chunk));
  return new Promise((resolve, reject) => {
    let buffered = "";
    const onData = (chunk: string): void => {
      buffered += chunk;
      log += chunk;
      const match = /"url":"(http:\/\/[^"]+)".*"msg":"listening on/.exec(buffered);
      if (!match) return;
      child.stdout!.off("data", onData);
      child.stdout!.resume();
      resolve({
        url: match[1].replace("localhost", "127.0.0.1"),
        child,
        async stop() {
          if (child.exitCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    };
    child.stdout!.setEncoding("utf8").on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before listening:\n${log.slice(-3000)}`)));
  });
}
