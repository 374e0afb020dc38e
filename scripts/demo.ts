/**
 * `npm run demo`: a whole show in one process. Starts the server on the in-memory store,
 * lets a host open a game, sends a few hundred bots at it at once, shows the slot count
 * falling live and checks that nothing was oversold; then plays the round to the last
 * prize, reveals the seed and verifies the public record. Exits non-zero if a check fails.
 *
 *   npm run demo -- --players 50 --slots 40 --max 2
 */
import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pino from "pino";
import type { RunningApp } from "../server/app";
import { startApp } from "../server/app";
import { loadConfig } from "../server/config";
import { memoryBackends } from "../server/backends";
import { LogPushSender } from "../server/push/log-sender";
import { TokenAuthority } from "../server/identity/tokens";
import { BingoClient } from "../shared/client";
import type { Ack, ErrorCode, Role, SlotState } from "../shared/protocol";
import { MAX_PER_PLAYER, MAX_TOTAL_SLOTS } from "../shared/protocol";
import { playRound } from "./demo-round";
import type { ClaimRecord, Tally } from "./demo-tally";
import { cardIds, checks, countRises, tally } from "./demo-tally";

interface DemoOptions {
  readonly players: number;
  readonly slots: number;
  readonly maxPerPlayer: number;
  readonly perTick: number;
  /** Running nodes to use instead of an embedded server. */
  readonly servers: readonly string[];
}

const USAGE = `usage: npm run demo -- [--players N] [--slots N] [--max N] [--per-tick N] [--servers URL,URL...]
  --players   bot players (default 300)
  --slots     card slots the host opens (default 400)
  --max       most cards one player may hold (default 3)
  --per-tick  most claims the embedded server resolves per 50 ms tick (default 20); small so the count falls visibly
  --servers   use these running nodes instead of an embedded server, spreading the players
              across them; tokens are signed with the AUTH_SECRET environment variable the
              nodes share`;

const CONNECT_CONCURRENCY = 50;
const SECOND_CLAIM_SHARE = 0.25;
const WAIT_FOR_WATCHER_MS = 2000;
/** Nothing should keep the process alive after cleanup; if something does, say so and leave. */
const EXIT_GRACE_MS = 3000;

function parseOptions(argv: string[]): DemoOptions {
  const values = parseFlags(argv);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  return {
    players: wholeNumber("--players", values.players, 1, 10_000),
    slots: wholeNumber("--slots", values.slots, 1, MAX_TOTAL_SLOTS),
    maxPerPlayer: wholeNumber("--max", values.max, 1, MAX_PER_PLAYER),
    perTick: wholeNumber("--per-tick", values["per-tick"], 1, 50_000),
    servers: values.servers ? values.servers.split(",").map((url) => url.trim()).filter(Boolean) : [],
  };
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        players: { type: "string", default: "300" },
        slots: { type: "string", default: "400" },
        max: { type: "string", default: "3" },
        "per-tick": { type: "string", default: "20" },
        servers: { type: "string" },
        help: { type: "boolean", default: false },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

class UsageError extends Error {}

interface Server {
  readonly urls: readonly string[];
  readonly tokens: TokenAuthority;
  readonly description: string;
  close(): Promise<void>;
}

/** The running nodes named by --servers, which share AUTH_SECRET with this process. */
function externalServers(urls: readonly string[]): Server {
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new UsageError("--servers needs AUTH_SECRET set to the nodes' secret, to sign the bots' tokens");
  return {
    urls,
    tokens: new TokenAuthority(secret),
    description: `${urls.length} running node(s): ${urls.join(", ")}; players spread across them`,
    close: async () => undefined,
  };
}

/** The embedded default of server/main.ts, with a secret only this process knows. */
async function startServer(perTick: number): Promise<Server> {
  const secret = randomBytes(32).toString("base64url");
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    AUTH_SECRET: secret,
    LOG_LEVEL: "silent",
    MAX_CLAIMS_PER_TICK: String(perTick),
    // The demo host draws every 120 ms; a short grace lets the round end soon after the last prize.
    CLAIM_GRACE_MS: "300",
  });
  const log = pino({ level: config.logLevel });
  const { store, push } = memoryBackends();
  const app: RunningApp = await startApp({ config, store, push: { ...push, sender: new LogPushSender(() => undefined) }, log });
  return {
    urls: [app.url],
    tokens: new TokenAuthority(secret),
    description: `${app.url}, in-memory store, claims resolved in batches every ${config.tickMs} ms (at most ${perTick} per batch)`,
    close: () => app.close(),
  };
}

interface Bot {
  readonly id: string;
  readonly client: BingoClient;
}

class Clients {
  private readonly all: BingoClient[] = [];

  constructor(private readonly server: Server) {}

  /** Connects to the servers in turn, so players spread evenly across nodes. */
  async connect(sub: string, role: Role): Promise<Bot> {
    const url = this.server.urls[this.all.length % this.server.urls.length];
    const client = await BingoClient.connect({ url, token: this.server.tokens.sign({ sub, role }) });
    this.all.push(client);
    return { id: sub, client };
  }

  get count(): number {
    return this.all.length;
  }

  closeAll(): void {
    for (const client of this.all) client.close();
  }
}

function expectOk<T extends object>(ack: Ack<T>, what: string): T & { ok: true } {
  if (!ack.ok) throw new Error(`${what} failed: ${ack.error.code} ${ack.error.message}`);
  return ack;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function connectPlayers(clients: Clients, gameId: string, players: number): Promise<Bot[]> {
  const width = String(players).length;
  const ids = Array.from({ length: players }, (_, i) => `bot-${String(i + 1).padStart(width, "0")}`);
  return mapLimit(ids, CONNECT_CONCURRENCY, async (id) => {
    const bot = await clients.connect(id, "player");
    expectOk(await bot.client.join(gameId), `${id} join`);
    return bot;
  });
}

/** Resolves once `client` has seen slot version `version` (or later); false on timeout. */
function waitForVersion(client: BingoClient, gameId: string, version: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const seen = (): boolean => (client.slots(gameId)?.version ?? -1) >= version;
    if (seen()) return resolve(true);
    const timer = setTimeout(() => finish(false), timeoutMs);
    const unsubscribe = client.onSlots(() => {
      if (seen()) finish(true);
    });
    function finish(ok: boolean): void {
      clearTimeout(timer);
      unsubscribe();
      resolve(ok);
    }
  });
}

/** One status line that rewrites itself on a terminal and becomes a log elsewhere. */
class LiveLine {
  private readonly tty = process.stdout.isTTY === true;
  private shown = false;

  show(text: string): void {
    if (this.tty) process.stdout.write(`\r  ${text}\x1b[K`);
    else process.stdout.write(`  ${text}\n`);
    this.shown = true;
  }

  end(): void {
    if (this.tty && this.shown) process.stdout.write("\n");
    this.shown = false;
  }
}

const slotsText = (s: SlotState): string => `slots left: ${s.remaining} / ${s.total} (version ${s.version})`;

interface BotPlan {
  readonly first: number;
  readonly second?: number;
  /** Re-send the first claim's requestId: together with it, or after its ack. */
  readonly repeat?: "together" | "after";
}

function planBots(players: number, maxPerPlayer: number): BotPlan[] {
  const count = (): number => randomInt(1, maxPerPlayer + 1);
  return Array.from({ length: players }, (_, i) => ({
    first: count(),
    second: Math.random() < SECOND_CLAIM_SHARE ? count() : undefined,
    repeat: i === 0 ? "after" : i === 1 ? "together" : undefined,
  }));
}

async function claim(bot: Bot, gameId: string, count: number, requestId: string, repeat: boolean): Promise<ClaimRecord> {
  const ack = await bot.client.claim(gameId, count, requestId);
  return { player: bot.id, requestId, count, repeat, ack };
}

async function playBot(bot: Bot, gameId: string, plan: BotPlan): Promise<ClaimRecord[]> {
  const requestId = randomUUID();
  const sends = [claim(bot, gameId, plan.first, requestId, false)];
  if (plan.repeat === "together") sends.push(claim(bot, gameId, plan.first, requestId, true));
  const records = await Promise.all(sends);
  if (plan.repeat === "after") records.push(await claim(bot, gameId, plan.first, requestId, true));
  if (plan.second !== undefined) records.push(await claim(bot, gameId, plan.second, randomUUID(), false));
  return records;
}

function describeRepeats(bots: readonly Bot[], plans: readonly BotPlan[]): string[] {
  const text = {
    after: "re-sends its claim with the same requestId after the ack",
    together: "sends its claim twice at once, same requestId",
  };
  return plans.flatMap((plan, i) => (plan.repeat ? [`${bots[i].id} ${text[plan.repeat]} (idempotency: cards granted once)`] : []));
}

/** Every bot starts claiming in the same turn of the event loop; resolves when all have their last ack. */
async function rush(bots: readonly Bot[], plans: readonly BotPlan[], gameId: string): Promise<ClaimRecord[]> {
  const runs = bots.map((bot, i) => playBot(bot, gameId, plans[i]));
  return (await Promise.all(runs)).flat();
}

/** Asks the server (a fresh join) which cards each bot holds, and counts bots whose acks agree. */
async function countMatchingRecords(bots: readonly Bot[], gameId: string, t: Tally): Promise<number> {
  const matches = await Promise.all(
    bots.map(async (bot) => {
      const joined = expectOk(await bot.client.join(gameId), `${bot.id} re-join`);
      return cardIds(joined.game.myCards).join() === (t.cardsByPlayer.get(bot.id) ?? []).join();
    }),
  );
  return matches.filter(Boolean).length;
}

/** The refusals a claim can get from an open game, listed even when zero. */
const CLAIM_REFUSALS: readonly ErrorCode[] = ["SOLD_OUT", "LIMIT_REACHED", "CLAIMS_CLOSED"];

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function printTally(t: Tally, options: DemoOptions, slots: SlotState): void {
  const codes = new Set<ErrorCode>([...CLAIM_REFUSALS, ...t.refusedByCode.keys()]);
  const refusedCount = t.requests - t.grantedInFull - t.grantedInPart;
  const refused = [...codes].map((code) => `${code} ${t.refusedByCode.get(code) ?? 0}`).join(", ");
  const rows: [string, string][] = [
    ["players", `${options.players} (plus 1 host and 1 watcher)`],
    ["cards asked for", `${t.cardsAsked} (${(t.cardsAsked / slots.total).toFixed(1)}x the ${slots.total} slots)`],
    ["claims sent", `${t.claimsSent} (${t.repeatsSent} of them re-sent an earlier requestId)`],
    ["acks received", String(t.acksReceived)],
    ["distinct requests", `${t.requests}: ${t.grantedInFull} granted in full, ${t.grantedInPart} in part, ${refusedCount} refused`],
    ["refused by code", refused],
    ["cards granted", `${t.cardsGranted} (a re-sent requestId counted once)`],
    ["slots total / remaining", `${slots.total} / ${slots.remaining}`],
  ];
  process.stdout.write("\nTally\n");
  for (const [label, value] of rows) process.stdout.write(`  ${label.padEnd(24)} ${value}\n`);
}

function printChecks(list: ReturnType<typeof checks>): boolean {
  process.stdout.write("\nChecks\n");
  for (const check of list) process.stdout.write(`  ${check.ok ? " ok " : "FAIL"}  ${check.label.padEnd(48)} ${check.value}\n`);
  return list.every((check) => check.ok);
}

const say = (label: string, text: string): void => {
  process.stdout.write(`  ${label.padEnd(8)} ${text}\n`);
};

/** The show itself; true when every check passed. */
async function runShow(options: DemoOptions, server: Server, clients: Clients): Promise<boolean> {
  const { players, slots, maxPerPlayer } = options;
  process.stdout.write(`Bingo show: ${players} players, ${slots} card slots, at most ${maxPerPlayer} cards each\n\n`);
  say("server", server.description);

  const host = await clients.connect("host", "host");
  const { gameId } = expectOk(await host.client.createGame({ title: "Demo show", prizes: [1000, 5000] }), "createGame");
  expectOk(await host.client.join(gameId), "host join");
  say("host", `created game ${gameId} and joined it`);

  const watcher = await clients.connect("watcher", "player");
  const rawSlots: SlotState[] = [];
  // The raw event, before the SDK drops stale versions: what the server really sent.
  watcher.client.socket.on("slots", ({ total, remaining, version }) => rawSlots.push({ total, remaining, version }));
  expectOk(await watcher.client.join(gameId), "watcher join");

  const connectStart = performance.now();
  const bots = await connectPlayers(clients, gameId, players);
  const connectTime = seconds(performance.now() - connectStart);
  say("players", `${bots.length} bots connected and joined in ${connectTime} (${CONNECT_CONCURRENCY} at a time), plus 1 watcher`);

  const opened = expectOk(await host.client.openClaims({ gameId, totalSlots: slots, maxPerPlayer }), "openClaims").slots;
  say("open", `host opened claims: ${opened.total} slots, at most ${maxPerPlayer} per player`);
  // Claims arriving in the same tick as the opening would hide the full count from watchers.
  await waitForVersion(watcher.client, gameId, opened.version, WAIT_FOR_WATCHER_MS);

  const plans = planBots(players, maxPerPlayer);
  const seconders = plans.filter((plan) => plan.second !== undefined).length;
  const range = maxPerPlayer > 1 ? `1-${maxPerPlayer}` : "1";
  say("rush", `all ${players} bots claim ${range} cards at once; ${seconders} of them claim again after their ack`);
  for (const line of describeRepeats(bots, plans)) say("", line);
  process.stdout.write("\n  live, from the watcher's onSlots:\n");

  const live = new LiveLine();
  live.show(slotsText(watcher.client.slots(gameId) ?? opened));
  const stopLive = watcher.client.onSlots((_gameId, slots) => live.show(slotsText(slots)));
  const rushStart = performance.now();
  const records = await rush(bots, plans, gameId);
  const rushMs = performance.now() - rushStart;

  const closed = expectOk(await host.client.closeClaims(gameId), "closeClaims").slots;
  await waitForVersion(watcher.client, gameId, closed.version, WAIT_FOR_WATCHER_MS);
  stopLive();
  live.end();
  process.stdout.write("\n");
  say("close", `every claim answered in ${seconds(rushMs)}; host closed claims (version ${closed.version})`);

  const t = tally(records, maxPerPlayer);
  const recordsMatching = await countMatchingRecords(bots, gameId, t);
  printTally(t, options, closed);
  const rises = countRises(rawSlots, opened.version, closed.version);
  const rawMessages = rawSlots.length;
  const claimsPassed = printChecks(checks({ tally: t, slots: closed, maxPerPlayer, rises, rawMessages, recordsMatching, players: bots.length }));

  process.stdout.write("\nThe round\n");
  const roundPassed = await playRound(host.client, watcher.client, gameId, server.urls[0], say);
  return claimsPassed && roundPassed;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const server = options.servers.length > 0 ? externalServers(options.servers) : await startServer(options.perTick);
  const clients = new Clients(server);
  let passed = false;
  try {
    passed = await runShow(options, server, clients);
  } finally {
    clients.closeAll();
    await server.close();
  }
  process.stdout.write(`\n${passed ? "All checks passed" : "SOME CHECKS FAILED"}. Closed ${clients.count} connections and the server.\n`);
  return passed ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => {
      process.stderr.write("demo: something kept the process alive after cleanup; exiting anyway\n");
      process.exit(code === 0 ? 1 : code);
    }, EXIT_GRACE_MS).unref();
  },
  (error: unknown) => {
    process.stderr.write(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
