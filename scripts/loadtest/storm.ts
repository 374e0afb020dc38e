import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import jwt from "jsonwebtoken";
import { BingoClient } from "../../shared/client";
import { distPath } from "../lib/dist-path";
import { freePort } from "../lib/private-redis";
import type { ServerProcess } from "../lib/server-process";
import { startServerProcess } from "../lib/server-process";
import type { ClaimReport, FromWorker, ToWorker } from "./protocol";

export type Target = "bingo" | "noop-ceiling" | "naive-counter" | "per-request-atomic";

export interface StormOptions {
  readonly target: Target;
  readonly redisUrl: string;
  readonly players: number;
  readonly nodes: number;
  readonly workers: number;
  readonly totalSlots: number;
  readonly maxPerPlayer: number;
  /** Cards each player asks for. */
  readonly count: number;
  /** Every n-th player repeats its claim with the same requestId (0: none). */
  readonly repeatEvery: number;
}

export interface StormResult {
  readonly target: Target;
  readonly players: number;
  readonly connected: number;
  readonly acked: number;
  readonly lost: number;
  readonly claimsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
  readonly granted: number;
  readonly oversold: number;
  readonly duplicateCards: number;
  readonly overLimitPlayers: number;
  readonly contradictions: number;
  readonly fluctuations: number;
  readonly slotsMessages: number;
  readonly execPerClaim: number;
  readonly redisCommandsPerClaim: number;
  readonly redisCpuMsPerClaim: number;
  readonly remainingSeries: [number, number][];
}


async function redisFigures(url: string): Promise<{ exec: number; calls: number; cpuMs: number }> {
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

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10;
}

async function startTargets(o: StormOptions, secret: string, gameId: string): Promise<ServerProcess[]> {
  if (o.target === "bingo") {
    const main = distPath("server", "main.js");
    return Promise.all(
      Array.from({ length: o.nodes }, (_, n) =>
        startServerProcess(main, [], { PORT: "0", HOST: "127.0.0.1", REDIS_URL: o.redisUrl, AUTH_SECRET: secret, LOG_LEVEL: "info", NODE_ID: `bench-${n}` }),
      ),
    );
  }
  const script = distPath("scripts", "bench", "baselines.js");
  return Promise.all(
    Array.from({ length: o.nodes }, async () =>
      startServerProcess(script, [o.target, String(await freePort()), o.redisUrl, secret, gameId, String(o.totalSlots), String(o.maxPerPlayer)], {}),
    ),
  );
}

/** Messages from one worker, awaited one type at a time. */
function channel(worker: ChildProcess) {
  const waiting: ((m: FromWorker) => void)[] = [];
  const queued: FromWorker[] = [];
  worker.on("message", (m: FromWorker) => {
    const next = waiting.shift();
    if (next) next(m);
    else queued.push(m);
  });
  return {
    send: (m: ToWorker) => worker.send(m),
    next: (): Promise<FromWorker> => (queued.length > 0 ? Promise.resolve(queued.shift()!) : new Promise((resolve) => waiting.push(resolve))),
  };
}

/**
 * One claim storm: N players spread over the target's nodes (held by several worker
 * processes), all claiming the moment claims open, for fewer slots than they want.
 * Correctness is counted at the clients; Redis work is read from INFO.
 */
export async function runClaimStorm(o: StormOptions): Promise<StormResult> {
  const secret = randomBytes(24).toString("hex");
  let gameId = `bench${Date.now().toString(36)}`;
  const nodes = await startTargets(o, secret, gameId);
  const workers: ChildProcess[] = [];
  let host: BingoClient | null = null;
  try {
    if (o.target === "bingo") {
      host = await BingoClient.connect({ url: nodes[0].url, token: jwt.sign({ role: "host" }, secret, { algorithm: "HS256", subject: "bench-host" }) });
      const created = await host.createGame({ title: "bench" });
      if (!created.ok) throw new Error(`create: ${created.error.code}`);
      gameId = created.gameId;
    }
    const per = Math.ceil(o.players / o.workers);
    const channels = [];
    for (let w = 0; w < o.workers; w++) {
      const worker = fork(distPath("scripts", "loadtest", "worker.js"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
      workers.push(worker);
      const ch = channel(worker);
      channels.push(ch);
      const players = Math.max(0, Math.min(per, o.players - w * per));
      ch.send({ type: "connect", setup: { urls: nodes.map((n) => n.url), secret, gameId, firstPlayer: w * per, players, connectConcurrency: 100 } });
    }
    let connected = 0;
    for (const ch of channels) {
      const m = await ch.next();
      if (m.type === "connected") connected += m.connected;
    }
    if (host) {
      const opened = await host.openClaims({ gameId, totalSlots: o.totalSlots, maxPerPlayer: o.maxPerPlayer });
      if (!opened.ok) throw new Error(`open: ${opened.error.code}`);
    }
    const before = await redisFigures(o.redisUrl);
    const started = performance.now();
    for (const ch of channels) ch.send({ type: "claim", count: o.count, repeatEvery: o.repeatEvery });
    const reports: ClaimReport[] = [];
    for (const ch of channels) {
      const m = await ch.next();
      if (m.type === "claimed") reports.push(m.report);
    }
    const seconds = (performance.now() - started) / 1000;
    const after = await redisFigures(o.redisUrl);

    const latencies = reports.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
    const acked = reports.reduce((n, r) => n + r.acked, 0);
    const owners = new Map<number, number>();
    const held = new Map<number, number>();
    let duplicateCards = 0;
    for (const r of reports) {
      for (let i = 0; i < r.grants.length; i += 2) {
        const [player, card] = [r.grants[i], r.grants[i + 1]];
        if (owners.has(card) && owners.get(card) !== player) duplicateCards++;
        owners.set(card, player);
        held.set(player, (held.get(player) ?? 0) + 1);
      }
    }
    const granted = owners.size;
    return {
      target: o.target,
      players: o.players,
      connected,
      acked,
      lost: reports.reduce((n, r) => n + r.lost, 0),
      claimsPerSecond: Math.round(acked / seconds),
      latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: percentile(latencies, 100) },
      granted,
      oversold: Math.max(0, granted - o.totalSlots),
      duplicateCards,
      overLimitPlayers: [...held.values()].filter((n) => n > o.maxPerPlayer).length,
      contradictions: reports.reduce((n, r) => n + r.contradictions, 0),
      fluctuations: reports.reduce((n, r) => n + r.fluctuations, 0),
      slotsMessages: reports.reduce((n, r) => n + r.slotsMessages, 0),
      execPerClaim: acked > 0 ? (after.exec - before.exec) / acked : 0,
      redisCommandsPerClaim: acked > 0 ? (after.calls - before.calls) / acked : 0,
      redisCpuMsPerClaim: acked > 0 ? (after.cpuMs - before.cpuMs) / acked : 0,
      remainingSeries: reports[0]?.remainingSeries ?? [],
    };
  } finally {
    host?.close();
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.exitCode !== null) return resolve();
            worker.once("exit", () => resolve());
            worker.send({ type: "close" } satisfies ToWorker);
          }),
      ),
    );
    await Promise.all(nodes.map((n) => n.stop()));
  }
}
