import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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
 * A free TCP port on loopback for a server that starts (or starts again) a while after the
 * port is chosen. freePort's come from the kernel's ephemeral range, where any outgoing
 * connection of the test processes running in parallel may take the port meanwhile as its
 * local end (a CI run lost a cluster seed's port so: "bind: Address already in use"). These
 * come from below that range, which outgoing connections never use.
 */
export async function reservedPort(): Promise<number> {
  const low = ephemeralRangeStart();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = RESERVED_FROM + Math.floor(Math.random() * (low - RESERVED_FROM));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port between ${RESERVED_FROM} and ${low}`);
}

const RESERVED_FROM = 10_000;

/** The first port of the kernel's ephemeral range (Linux's default where /proc does not say). */
function ephemeralRangeStart(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return low > RESERVED_FROM + 1000 ? low : 32768;
  } catch {
    return 32768;
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
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
  // It starts again on this port after a crash.
  const port = await reservedPort();
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
