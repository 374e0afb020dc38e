import fc from "fast-check";
import type { Socket } from "socket.io-client";
import type { BingoClient } from "../../shared/client";
import type { Ack, AckOf, ClientEvent, ErrorCode, JoinSnapshot } from "../../shared/protocol";
import { ok } from "./acks";
import type { TestRedis } from "./redis-server";
import { startRedis } from "./redis-server";
import type { TestApp } from "./test-app";
import { ackProblem, serverEventProblem } from "./wire-schemas";

/**
 * Shared pieces of the property-based fuzz tests (tests/fuzz): run counts, replay, raw
 * emits with a bounded wait, and the "server still serves" check every run ends with.
 */

/**
 * fast-check parameters for a fuzz property. `FUZZ_SCALE` multiplies every run count
 * (e.g. 20 for a long local hunt); a failure prints its seed and path, and
 * `FUZZ_SEED=<seed> FUZZ_PATH=<path>` replays exactly that case.
 */
export function fuzzParams<T>(numRuns: number): fc.Parameters<T> {
  const scale = Number(process.env.FUZZ_SCALE ?? "1");
  const params: fc.Parameters<T> = {
    numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(scale) && scale > 0 ? scale : 1))),
    // Every run talks to a real server: shrinking (FUZZ_SHRINK=1) can take minutes, so by
    // default a failure is reported at once, with the seed and path that replay it.
    endOnFailure: process.env.FUZZ_SHRINK === undefined,
  };
  if (process.env.FUZZ_SEED) {
    return { ...params, seed: Number(process.env.FUZZ_SEED), path: process.env.FUZZ_PATH, endOnFailure: false };
  }
  return params;
}

/** Jest's time limit for one fuzz property (all its runs), growing with FUZZ_SCALE. */
export function fuzzTimeoutMs(): number {
  const scale = Number(process.env.FUZZ_SCALE ?? "1");
  return 180_000 * (Number.isFinite(scale) && scale > 1 ? scale : 1);
}

/** A private redis-server for the file (started before its tests, stopped after); returns its URL getter. */
export function privateRedis(): () => string {
  let redis: TestRedis | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  return () => redis!.url;
}

export type RawSocket = Socket;
export const raw = (client: BingoClient): RawSocket => client.socket as unknown as RawSocket;

/** Long enough for a loaded 2-core machine; an ack that takes longer is a lost ack. */
export const ACK_WAIT_MS = 15_000;

/** Emits `args` then an ack callback; resolves to the ack, or rejects when none comes in time. */
export function emitWithAck(socket: RawSocket, event: string | number, args: readonly unknown[]): Promise<unknown> {
  return (socket.timeout(ACK_WAIT_MS) as unknown as { emitWithAck(...a: unknown[]): Promise<unknown> }).emitWithAck(event, ...args);
}

/** Sends a well-formed request and checks its ack against the protocol; throws on a shape error. */
export async function request<E extends ClientEvent>(client: BingoClient, event: E, payload: unknown): Promise<Ack<AckOf<E>>> {
  const ack = await emitWithAck(raw(client), event, [payload]);
  const problem = ackProblem(event, ack);
  if (problem) throw new Error(problem);
  return ack as Ack<AckOf<E>>;
}

/** An outcome a fuzz command may have: "ok", or an error code. */
export type Outcome = "ok" | ErrorCode;

/**
 * A checker that notes in `problems` every ack whose outcome is not one of those allowed.
 * RATE_LIMITED is always allowed: a limit may refuse anything, and then nothing happened.
 */
export function outcomeChecker(problems: string[]): (what: string, ack: Ack<object>, allowed: readonly Outcome[]) => void {
  return (what, ack, allowed) => {
    const outcome: Outcome = ack.ok ? "ok" : ack.error.code;
    if (!allowed.includes(outcome) && outcome !== "RATE_LIMITED") {
      problems.push(`${what}: expected one of ${allowed.join(", ")}, got ${JSON.stringify(ack).slice(0, 300)}`);
    }
  };
}

/** Collects every server event a socket receives that does not fit the protocol. */
export function watchServerEvents(socket: RawSocket, problems: string[]): void {
  socket.onAny((event: string, ...args: unknown[]) => {
    const problem = serverEventProblem(event, args);
    if (problem) problems.push(problem);
  });
}

export async function healthz(app: TestApp): Promise<number> {
  return (await fetch(`${app.url}/healthz`)).status;
}

let freshCounter = 0;

/**
 * The server still serves: /healthz is 200, and a brand-new host and player can create a
 * game, join it, open claims and claim a card (which is card 1 of 1).
 */
export async function expectServesFreshClients(app: TestApp): Promise<void> {
  expect(await healthz(app)).toBe(200);
  const n = ++freshCounter;
  const host = await app.client(`fresh-host-${n}`, "host");
  const player = await app.client(`fresh-player-${n}`, "player");
  try {
    const { gameId } = ok(await request(host, "game:create", { title: `Fresh ${n}` }), "fresh create");
    ok(await request(player, "game:join", { gameId }), "fresh join");
    ok(await request(host, "claims:open", { gameId, totalSlots: 1, maxPerPlayer: 1 }), "fresh open");
    const claimed = ok(await request(player, "cards:claim", { gameId, count: 1, requestId: "fresh" }), "fresh claim");
    expect(claimed.cards.map((card) => card.id)).toEqual([1]);
    expect(claimed.slots).toEqual({ total: 1, remaining: 0, version: 2 });
  } finally {
    host.close();
    player.close();
  }
}

/** A game's snapshot as `client` sees it (joining it). */
export async function snapshot(client: BingoClient, gameId: string): Promise<JoinSnapshot> {
  return ok(await request(client, "game:join", { gameId }), `join ${gameId}`).game;
}

/** Names of Object.prototype's own properties: a fuzz run must leave them as they were. */
export function prototypeKeys(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}
