/**
 * The coordinator's side of a load test: the target's server nodes, a host client, and
 * the worker processes holding the players, with typed messages to and from the workers.
 */
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import jwt from "jsonwebtoken";
import { BingoClient } from "../../shared/client";
import type { GameCreatePayload } from "../../shared/protocol";
import { distPath } from "../lib/dist-path";
import { freePort } from "../lib/private-redis";
import type { ServerProcess } from "../lib/server-process";
import { startServerProcess } from "../lib/server-process";
import type { FromWorker, ToWorker } from "./protocol";

/** `noop-uws`: the noop ceiling on uWebSockets.js (`--engines uws`), a baseline like the others. */
export type Target = "bingo" | "noop-ceiling" | "noop-uws" | "naive-counter" | "per-request-atomic";

export interface FleetOptions {
  readonly target: Target;
  readonly redisUrl: string;
  readonly players: number;
  readonly nodes: number;
  readonly workers: number;
  /** For the baselines, which create their own counter. */
  readonly totalSlots?: number;
  readonly maxPerPlayer?: number;
  /** Extra environment for this server's nodes (e.g. CLAIM_GRACE_MS). */
  readonly nodeEnv?: Readonly<Record<string, string>>;
  /** NODE_OPTIONS for every target's nodes, baselines included (bench --node-options: V8 flags; Node refuses --cpu-prof there). */
  readonly nodeOptions?: string;
  /** Settings for this server's nodes (bench --node-env), e.g. { MAX_HANDSHAKES: "1000" }. */
  readonly nodeSettings?: Readonly<Record<string, string>>;
  /** The game the host creates (this server only). */
  readonly game?: GameCreatePayload;
}

const DRAW_ATTEMPTS = 5;
const RETRIED_DRAW_CODES: ReadonlySet<string> = new Set(["UNAVAILABLE", "OUTCOME_UNKNOWN"]);

type Of<T extends FromWorker["type"]> = Extract<FromWorker, { type: T }>;

/** One worker's messages, awaited by type. */
class WorkerLink {
  private readonly queued = new Map<string, FromWorker[]>();
  private readonly waiting = new Map<string, ((m: FromWorker) => void)[]>();

  constructor(readonly process: ChildProcess) {
    process.on("message", (m: FromWorker) => {
      const next = this.waiting.get(m.type)?.shift();
      if (next) next(m);
      else this.queued.set(m.type, [...(this.queued.get(m.type) ?? []), m]);
    });
  }

  send(m: ToWorker): void {
    this.process.send(m);
  }

  next<T extends FromWorker["type"]>(type: T): Promise<Of<T>> {
    const queued = this.queued.get(type)?.shift();
    if (queued) return Promise.resolve(queued as Of<T>);
    return new Promise((resolve) => this.waiting.set(type, [...(this.waiting.get(type) ?? []), resolve as (m: FromWorker) => void]));
  }
}

export interface RedisFigures {
  readonly exec: number;
  readonly calls: number;
  readonly cpuMs: number;
}

export async function redisFigures(url: string): Promise<RedisFigures> {
  const admin = new Redis(url);
  try {
    const [stats, cpu] = [await admin.info("commandstats"), await admin.info("cpu")];
    let calls = 0;
    let exec = 0;
    for (const match of stats.matchAll(/cmdstat_(\w+):calls=(\d+)/g)) {
      calls += Number(match[2]);
      if (match[1] === "exec") exec = Number(match[2]);
    }
    const user = Number(/used_cpu_user:([\d.]+)/.exec(cpu)?.[1] ?? 0);
    const sys = Number(/used_cpu_sys:([\d.]+)/.exec(cpu)?.[1] ?? 0);
    return { exec, calls, cpuMs: (user + sys) * 1000 };
  } finally {
    admin.disconnect();
  }
}

export class Fleet {
  private constructor(
    readonly options: FleetOptions,
    readonly secret: string,
    readonly nodes: ServerProcess[],
    readonly gameId: string,
    readonly host: BingoClient | null,
    readonly workers: WorkerLink[],
    readonly connected: number,
    readonly connectFailed: number,
    readonly connectSeconds: number,
  ) {}

  /** Starts the target's nodes, creates the game (this server), and connects every player. */
  static async start(o: FleetOptions): Promise<Fleet> {
    const secret = randomBytes(24).toString("hex");
    let gameId = `bench${Date.now().toString(36)}`;
    const nodes = await startTargets(o, secret, gameId);
    const workers: WorkerLink[] = [];
    let host: BingoClient | null = null;
    try {
      if (o.target === "bingo") {
        // The host sits on the last node: a node-loss storm kills the first.
        host = await BingoClient.connect({ url: nodes[nodes.length - 1].url, token: () => jwt.sign({ role: "host" }, secret, { algorithm: "HS256", subject: "bench-host", expiresIn: "12h" }) });
        const created = await host.createGame(o.game ?? { title: "bench" });
        if (!created.ok) throw new Error(`create: ${created.error.code}`);
        gameId = created.gameId;
        // Joined, the SDK names the index it expects with each draw, so a retried draw is safe.
        const joined = await host.join(gameId);
        if (!joined.ok) throw new Error(`join: ${joined.error.code}`);
      }
      const count = Math.max(1, Math.min(o.workers, o.players));
      const per = Math.ceil(o.players / count);
      // 60 s, or 3 ms per player past 20,000: 50,000 sockets take the generator itself some
      // 50-75 s to connect on these 2 cores, so a fixed minute cut storms short that converge.
      const rejoinWindowMs = Math.max(60_000, 3 * o.players);
      const started = performance.now();
      for (let w = 0; w < count && w * per < o.players; w++) {
        const link = new WorkerLink(fork(distPath("scripts", "loadtest", "worker.js"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] }));
        workers.push(link);
        const players = Math.min(per, o.players - w * per);
        link.send({ type: "connect", setup: { urls: nodes.map((n) => n.url), secret, gameId, firstPlayer: w * per, players, connectConcurrency: 100, rejoinWindowMs } });
      }
      const answers = await Promise.all(workers.map((w) => w.next("connected")));
      const seconds = (performance.now() - started) / 1000;
      const sum = (f: (m: Of<"connected">) => number): number => answers.reduce((n, m) => n + f(m), 0);
      return new Fleet(o, secret, nodes, gameId, host, workers, sum((m) => m.connected), sum((m) => m.failed), seconds);
    } catch (error) {
      await shutdown(host, workers, nodes);
      throw error;
    }
  }

  get hostClient(): BingoClient {
    if (!this.host) throw new Error("this target has no host");
    return this.host;
  }

  /**
   * The host draws the next ball. UNAVAILABLE (not sent: nothing was drawn) and
   * OUTCOME_UNKNOWN (the store answered too slowly on a loaded machine, after the SDK's own
   * retries) are retried; the expected index keeps a retry from drawing twice.
   */
  async draw(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const drawn = await this.hostClient.draw(this.gameId);
      if (drawn.ok) return;
      if (!RETRIED_DRAW_CODES.has(drawn.error.code) || attempt === DRAW_ATTEMPTS) throw new Error(`round:draw: ${drawn.error.code}`);
    }
  }

  tell(m: ToWorker): void {
    for (const w of this.workers) w.send(m);
  }

  /** Each worker's next message of a type. */
  all<T extends FromWorker["type"]>(type: T): Promise<Of<T>[]> {
    return Promise.all(this.workers.map((w) => w.next(type)));
  }

  /** Sends a request to every worker and awaits each one's answer. */
  ask<T extends FromWorker["type"]>(m: ToWorker, answer: T): Promise<Of<T>[]> {
    this.tell(m);
    return this.all(answer);
  }

  /** CPU time (user + system, ms) the server nodes have used so far, from /proc (Linux). */
  nodeCpuMs(): number {
    return this.nodeCpu().totalMs;
  }

  /** The nodes' CPU time so far, and the part of it spent in the kernel (system time). */
  nodeCpu(): ProcessCpu {
    return this.nodes.reduce(
      (sum, node) => {
        const cpu = processCpu(node.child.pid);
        return { totalMs: sum.totalMs + cpu.totalMs, systemMs: sum.systemMs + cpu.systemMs };
      },
      { totalMs: 0, systemMs: 0 },
    );
  }

  close(): Promise<void> {
    return shutdown(this.host, this.workers, this.nodes);
  }
}

async function shutdown(host: BingoClient | null, workers: WorkerLink[], nodes: ServerProcess[]): Promise<void> {
  host?.close();
  await Promise.all(
    workers.map(
      ({ process: worker }) =>
        new Promise<void>((resolve) => {
          if (worker.exitCode !== null) return resolve();
          worker.once("exit", () => resolve());
          worker.send({ type: "close" } satisfies ToWorker);
        }),
    ),
  );
  await Promise.all(nodes.map((n) => n.stop()));
}

async function startTargets(o: FleetOptions, secret: string, gameId: string): Promise<ServerProcess[]> {
  const options: Record<string, string> = o.nodeOptions ? { NODE_OPTIONS: o.nodeOptions } : {};
  if (o.target === "bingo") {
    const main = distPath("server", "main.js");
    return Promise.all(
      Array.from({ length: o.nodes }, (_, n) =>
        startServerProcess(main, [], { PORT: "0", HOST: "127.0.0.1", REDIS_URL: o.redisUrl, AUTH_SECRET: secret, LOG_LEVEL: "info", NODE_ID: `bench-${n}`, ...options, ...o.nodeSettings, ...o.nodeEnv }, /backends ready/),
      ),
    );
  }
  const script = distPath("scripts", "bench", "baselines.js");
  return Promise.all(
    Array.from({ length: o.nodes }, async () =>
      startServerProcess(script, [o.target, String(await freePort()), o.redisUrl, secret, gameId, String(o.totalSlots ?? 0), String(o.maxPerPlayer ?? 1)], options),
    ),
  );
}

const TICKS_PER_SECOND = 100;

/** A process's CPU time (ms): all of it, and the system (kernel) part. */
export interface ProcessCpu {
  readonly totalMs: number;
  readonly systemMs: number;
}

function processCpu(pid: number | undefined): ProcessCpu {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    const [user, system] = [Number(fields[11]), Number(fields[12])].map((ticks) => (ticks * 1000) / TICKS_PER_SECOND);
    return { totalMs: user + system, systemMs: system };
  } catch {
    return { totalMs: 0, systemMs: 0 };
  }
}

/** Resolves after `ms`, or with the promise's value if it settles first. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)))]).finally(() => clearTimeout(timer));
}
