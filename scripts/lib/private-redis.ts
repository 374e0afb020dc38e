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
      return await launch(await freePort());
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
}

/** A private redis-server on `port`, no persistence, with more options (e.g. `--cluster-enabled yes`), in a temp dir. */
export function launchRedisServer(port: number, options: readonly string[]): Promise<TestRedis> {
  return launch(port, undefined, ["--appendonly", "no", ...options]);
}

/**
 * A private redis-server with the append-only file on (as production should run it), that
 * can be killed (`kill -9`: no chance to flush anything) and started again on the same port
 * and data directory, to show that acknowledged writes survive a Redis crash.
 */
export interface RestartableRedis extends TestRedis {
  /** SIGKILL, and wait until the process is gone. */
  crash(): Promise<void>;
  /** Starts it again on the same port and directory; resolves once it accepts connections. */
  restart(): Promise<void>;
}

export async function startPersistentRedis(): Promise<RestartableRedis> {
  const dir = mkdtempSync(join(tmpdir(), "bingo-redis-aof-"));
  const port = await freePort();
  let current = await launch(port, dir, ["--appendonly", "yes", "--appendfsync", "everysec"]);
  return {
    url: current.url,
    port,
    crash: () => current.kill(),
    async restart() {
      current = await launch(port, dir, ["--appendonly", "yes", "--appendfsync", "everysec"]);
    },
    async stop() {
      await current.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function launch(port: number): Promise<TestRedis>;
function launch(port: number, dir: string | undefined, persistence: readonly string[]): Promise<TestRedis & { kill(): Promise<void> }>;
function launch(port: number, keptDir?: string, persistence: readonly string[] = ["--appendonly", "no"]) {
  const dir = keptDir ?? mkdtempSync(join(tmpdir(), "bingo-redis-"));
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", ...persistence, "--dir", dir, "--loglevel", "notice"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = async (): Promise<void> => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await exited;
  };
  const stop = async (): Promise<void> => {
    await kill();
    if (!keptDir) rmSync(dir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      output += chunk;
      if (output.includes("Ready to accept connections")) {
        child.stdout.removeAllListeners("data");
        child.stdout.resume();
        resolve({ url: `redis://127.0.0.1:${port}`, port, stop, kill });
      }
    });
    child.once("error", (error) => reject(new Error(`cannot start redis-server (is it on PATH?): ${error.message}`)));
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output.slice(-2000)}`)));
  });
}
