/**
 * The soak: rolling games on a few server nodes for a set time, with players coming and
 * going, then everything stops and the memory of the nodes and of Redis is compared with
 * what it was once the load had warmed up. Memory must come back flat: a node keeps no
 * per-game state for games nobody on it is in, and Redis keeps a game only until its keys
 * expire (GAME_TTL_SECONDS, short here).
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import jwt from "jsonwebtoken";
import { BingoClient } from "../../shared/client";
import type { Ack } from "../../shared/protocol";
import { distPath } from "../lib/dist-path";
import type { ServerProcess } from "../lib/server-process";
import { startServerProcess } from "../lib/server-process";
import { metricSum, scrape } from "./node-metrics";

export interface SoakOptions {
  readonly redisUrl: string;
  readonly nodes: number;
  /** How long games keep rolling. */
  readonly seconds: number;
  /** Games running at once (one host each, on a node of its own turn). */
  readonly lanes: number;
  /** Players in each game; drawn from a pool of `lanes × playersPerGame × 2` identities that come back. */
  readonly playersPerGame: number;
  /** Balls drawn in each game before the host ends it. */
  readonly drawsPerGame: number;
  /** GAME_TTL_SECONDS of the nodes: finished games leave Redis this long after their last progress. */
  readonly gameTtlSeconds: number;
  /** Wait for the finished games' keys to expire before the end sample (default true; the smoke test skips it). */
  readonly waitForExpiry?: boolean;
  /** Progress lines (default: none). */
  readonly progress?: (line: string) => void;
}

/** Memory of every node (heap used, bytes) and of Redis (used_memory) at one moment. */
export interface MemorySample {
  readonly heapBytes: number[];
  readonly redisBytes: number;
  readonly redisKeys: number;
}

export interface SoakResult {
  readonly scenario: "soak";
  readonly seconds: number;
  readonly nodes: number;
  readonly lanes: number;
  readonly playersPerGame: number;
  readonly gamesFinished: number;
  /** Player sessions: connect, join, claim, play, leave. */
  readonly sessions: number;
  readonly cardsGranted: number;
  readonly draws: number;
  readonly awards: number;
  /** Acks that were not what the scenario expects, by code (should stay empty). */
  readonly unexpected: Record<string, number>;
  /** After warm-up (every lane finished one game) and after the load stopped and finished games expired. */
  readonly start: MemorySample;
  readonly end: MemorySample;
  /** Per-game state the nodes still held at the end (bingo_node_game_state summed over nodes and kinds; 0 expected). */
  readonly nodeGameStateEnd: number;
  /** Keys left on Redis at the end, by kind (the part after the last ':'), once every game key expired. */
  readonly leftoverKeys: Record<string, number>;
  readonly tolerance: { readonly heapBytes: number; readonly heapShare: number; readonly redisBytes: number; readonly redisShare: number };
  readonly heapFlat: boolean;
  readonly redisFlat: boolean;
}

/** What "came back flat" allows: the larger of an absolute and a relative margin over the start. */
export const SOAK_TOLERANCE = { heapBytes: 16 * 2 ** 20, heapShare: 0.25, redisBytes: 2 ** 20, redisShare: 0.1 } as const;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function within(start: number, end: number, bytes: number, share: number): boolean {
  return end <= start + Math.max(bytes, start * share);
}

async function metric(url: string, name: string): Promise<number> {
  return metricSum(await scrape(url), name);
}

async function redisMemory(admin: Redis): Promise<{ bytes: number; keys: number }> {
  const info = await admin.info("memory");
  return { bytes: Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0), keys: await admin.dbsize() };
}

async function sample(nodes: readonly ServerProcess[], admin: Redis): Promise<MemorySample> {
  const heapBytes = await Promise.all(nodes.map((node) => metric(node.url, "nodejs_heap_size_used_bytes")));
  const redis = await redisMemory(admin);
  return { heapBytes, redisBytes: redis.bytes, redisKeys: redis.keys };
}

/** The lowest of a few samples a second apart: heap used moves with the garbage collector. */
async function settledSample(nodes: readonly ServerProcess[], admin: Redis, samples = 5): Promise<MemorySample> {
  let best = await sample(nodes, admin);
  for (let i = 1; i < samples; i++) {
    await sleep(1000);
    const next = await sample(nodes, admin);
    best = { heapBytes: best.heapBytes.map((b, n) => Math.min(b, next.heapBytes[n])), redisBytes: Math.min(best.redisBytes, next.redisBytes), redisKeys: next.redisKeys };
  }
  return best;
}

async function countKeys(admin: Redis, match: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await admin.scan(cursor, "MATCH", match, "COUNT", 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0");
  return keys;
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const secret = randomBytes(24).toString("hex");
  const token = (sub: string, role: "host" | "player"): string => jwt.sign({ role }, secret, { algorithm: "HS256", subject: sub, expiresIn: "1h" });
  const main = distPath("server", "main.js");
  const nodes = await Promise.all(
    Array.from({ length: o.nodes }, (_, n) =>
      startServerProcess(main, [], {
        PORT: "0",
        HOST: "127.0.0.1",
        REDIS_URL: o.redisUrl,
        AUTH_SECRET: secret,
        // "listening on" is an info line: startServerProcess waits for it.
        LOG_LEVEL: "info",
        NODE_ID: `soak-${n}`,
        GAME_TTL_SECONDS: String(o.gameTtlSeconds),
        CLAIM_GRACE_MS: "200",
        // The soak measures memory, not the abuse limits: a host drawing briskly must not be turned away.
        RATE_LIMIT_SOCKET_BURST: "1000",
        RATE_LIMIT_SOCKET_PER_SECOND: "1000",
        RATE_LIMIT_PLAYER_BURST: "1000",
        RATE_LIMIT_PLAYER_PER_SECOND: "1000",
      }, /backends ready/),
    ),
  );
  const admin = new Redis(o.redisUrl);
  const unexpected: Record<string, number> = {};
  const note = (what: string, ack: Ack<object>): boolean => {
    if (ack.ok) return true;
    const key = `${what}: ${ack.error.code}`;
    unexpected[key] = (unexpected[key] ?? 0) + 1;
    return false;
  };
  const tally = { gamesFinished: 0, sessions: 0, cardsGranted: 0, draws: 0, awards: 0 };
  const poolSize = o.lanes * o.playersPerGame * 2;
  let nextPlayer = 0;
  const url = (i: number): string => nodes[i % nodes.length].url;

  /** One game from creation to its end: players join, claim, some leave and others come mid-round. */
  const playGame = async (lane: number, host: BingoClient, round: number): Promise<void> => {
    const created = await host.createGame({ title: `soak ${lane}.${round}` });
    if (!note("game:create", created) || !created.ok) {
      await sleep(500);
      return;
    }
    const { gameId } = created;
    const players: BingoClient[] = [];
    let ended = false;
    const connect = async (): Promise<BingoClient | null> => {
      const id = `soak-player-${nextPlayer++ % poolSize}`;
      try {
        const player = await BingoClient.connect({ url: url(nextPlayer), token: token(id, "player") });
        tally.sessions++;
        if (!note("player join", await player.join(gameId))) {
          player.close();
          return null;
        }
        return player;
      } catch {
        unexpected["connect"] = (unexpected["connect"] ?? 0) + 1;
        return null;
      }
    };
    try {
      if (!note("host join", await host.join(gameId))) return;
      for (const player of await Promise.all(Array.from({ length: o.playersPerGame }, connect))) if (player) players.push(player);
      if (!note("claims:open", await host.openClaims({ gameId, totalSlots: players.length, maxPerPlayer: 1 }))) return;
      const claims = await Promise.all(players.map((player) => player.claim(gameId, 1)));
      for (const claim of claims) if (note("cards:claim", claim) && claim.ok) tally.cardsGranted += claim.cards.length;
      if (!note("round:start", await host.startRound(gameId))) return;
      for (let i = 0; i < o.drawsPerGame; i++) {
        if (!note("round:draw", await host.draw(gameId))) break;
        tally.draws++;
        // Players come and go during the round: one leaves, another joins late.
        if (i % 5 === 2 && players.length > 1) players.shift()!.close();
        if (i % 5 === 4) {
          const late = await connect();
          if (late) players.push(late);
        }
        await sleep(20);
      }
      const end = await host.endGame(gameId);
      if (note("round:end", end) && end.ok) {
        ended = true;
        tally.gamesFinished++;
        tally.awards += end.results.length;
      }
    } finally {
      for (const player of players) player.close();
      // A game cut short is ended all the same: it would count against the host's MAX_GAMES_PER_HOST.
      if (!ended) await host.endGame(gameId);
    }
  };

  const lanes = await Promise.all(
    Array.from({ length: o.lanes }, (_, lane) => BingoClient.connect({ url: url(lane), token: token(`soak-host-${lane}`, "host") })),
  );
  try {
    // Warm-up: every lane plays one game, then the start sample.
    const progress = o.progress ?? (() => undefined);
    progress("soak: warm-up (one game per lane)");
    await Promise.all(lanes.map((host, lane) => playGame(lane, host, 0)));
    const start = await settledSample(nodes, admin, 3);
    progress(`soak: warmed up; rolling games for ${o.seconds} s`);
    const deadline = Date.now() + o.seconds * 1000;
    await Promise.all(
      lanes.map(async (host, lane) => {
        for (let round = 1; Date.now() < deadline; round++) await playGame(lane, host, round);
      }),
    );
    for (const host of lanes) host.close();
    progress(`soak: load stopped after ${tally.gamesFinished} games; waiting for the nodes to let go and the games to expire`);

    // Everyone is gone: each node lets go of its games (within its sweep), and Redis of
    // every game once its keys expire.
    const stateDeadline = Date.now() + 20_000;
    let nodeGameStateEnd = Infinity;
    while (Date.now() < stateDeadline) {
      nodeGameStateEnd = (await Promise.all(nodes.map((node) => metric(node.url, "bingo_node_game_state")))).reduce((a, b) => a + b, 0);
      if (nodeGameStateEnd === 0) break;
      await sleep(500);
    }
    const expiryDeadline = Date.now() + (o.gameTtlSeconds + 15) * 1000;
    while (o.waitForExpiry !== false && (await countKeys(admin, "bingo:{*}:game")).length > 0 && Date.now() < expiryDeadline) await sleep(1000);
    progress("soak: game keys expired; end sample");
    const end = await settledSample(nodes, admin, 5);
    const leftoverKeys: Record<string, number> = {};
    for (const key of await countKeys(admin, "*")) {
      const kind = key.slice(key.lastIndexOf(":") + 1) || key;
      leftoverKeys[kind] = (leftoverKeys[kind] ?? 0) + 1;
    }
    const t = SOAK_TOLERANCE;
    return {
      scenario: "soak",
      seconds: o.seconds,
      nodes: o.nodes,
      lanes: o.lanes,
      playersPerGame: o.playersPerGame,
      ...tally,
      unexpected,
      start,
      end,
      nodeGameStateEnd,
      leftoverKeys,
      tolerance: t,
      heapFlat: start.heapBytes.every((bytes, n) => within(bytes, end.heapBytes[n], t.heapBytes, t.heapShare)),
      redisFlat: within(start.redisBytes, end.redisBytes, t.redisBytes, t.redisShare),
    };
  } finally {
    for (const host of lanes) host.close();
    admin.disconnect();
    await Promise.all(nodes.map((node) => node.stop()));
  }
}
