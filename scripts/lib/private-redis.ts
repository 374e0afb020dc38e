import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** A free TCP port on loopback (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A private redis-server (from PATH) on a free port, with no persistence, in a temp dir.
 * When REDIS_URL is set, that server is used instead and nothing is started. The shared
 * instance on 6379 is never touched otherwise.
 */
export async function startRedis(): Promise<TestRedis> {
  if (process.env.REDIS_URL) {
    const url = process.env.REDIS_URL;
    return { url, port: Number(new URL(url).port || 6379), stop: async () => undefined };
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return await launchRedisServer(await freePort());
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
}

/** A redis-server on `port` with its own temp dir (`extraArgs` are more `--name value` options); resolves once it accepts connections. */
export function launchRedisServer(port: number, extraArgs: readonly string[] = []): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), "bingo-redis-"));
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--loglevel", "notice", ...extraArgs],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      output += chunk;
      if (output.includes("Ready to accept connections")) {
        child.stdout.removeAllListeners("data");
        child.stdout.resume();
        resolve({ url: `redis://127.0.0.1:${port}`, port, stop });
      }
    });
    child.once("error", (error) => reject(new Error(`cannot start redis-server (is it on PATH?): ${error.message}`)));
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output.slice(-2000)}`)));
  });
}
