import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Runs a compiled script as its own process and resolves with the URL it prints once it
 * listens (a line matching `listening on http://…`, plain or in a JSON log line) and, when
 * `readyLine` is given, once it has also printed a line matching that (the bingo server
 * listens before it has reached Redis, and logs "backends ready" when it has).
 */
export function startServerProcess(script: string, args: readonly string[], env: Record<string, string>, readyLine?: RegExp): Promise<ServerProcess> {
  // A profiled run (`node --cpu-prof dist/scripts/bench/index.js …`) profiles the servers too.
  const profiling = process.execArgv.filter((arg) => /^--(cpu|heap)-prof/.test(arg));
  const child = spawn(process.execPath, [...profiling, script, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
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
      const match = /listening on (http:\/\/[^\s"]+)/.exec(buffered);
      if (!match || (readyLine && !readyLine.test(buffered))) return;
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
    child.once("exit", (code) => reject(new Error(`${script} exited (${code}) before listening:\n${log.slice(-3000)}`)));
  });
}
