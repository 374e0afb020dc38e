import fc from "fast-check";
import type { BingoClient } from "../../shared/client";
import type { Ack, Claimed, SlotState, SlotsMessage } from "../../shared/protocol";
import { ok } from "../support/acks";
import { io } from "socket.io-client";
import type { RawSocket } from "../support/fuzz";
import { emitWithAck, expectServesFreshClients, fuzzParams, fuzzTimeoutMs, privateRedis, outcomeChecker, raw, request, snapshot, watchServerEvents } from "../support/fuzz";
import type { TestApp } from "../support/test-app";
import { startTestApp, tokenFor } from "../support/test-app";
import { ackProblem } from "../support/wire-schemas";

/**
 * The claim engine under arbitrary interleavings: several players (two of them on two
 * connections each), the game's host and another host send bursts of concurrent claims,
 * repeats of earlier requests (same or different count, on either connection), window
 * opens (with any total) and closes, a round start, joins, and host-only events from
 * players and the other host. Whatever the order and however the ticks batch them:
 * cards are never oversold, never shared, never over the per-player limit, every card
 * acked is the player's and no other is, a (player, requestId) always gets one answer,
 * one version is one slot state, and while the window stays open the count only falls.
 */

/**
 * Player ids as a token issuer may make them: names that are special on JS objects, a
 * separator the store's request keys use, and a long non-ASCII one (ids may be 1-128 chars).
 */
const PLAYER_IDS = ["__proto__", "constructor", "claimer:1", `☃ claimer 💥 ${"x".repeat(100)}`];
const PLAYERS = PLAYER_IDS.length;
/** Players 0-2 also claim from a second connection (on the second node, when there is one). */
const SECOND_SOCKETS = 3;

type Command =
  | { readonly kind: "claim"; readonly player: number; readonly socket: number; readonly count: number; readonly repeat: number | null; readonly sameCount: boolean }
  | { readonly kind: "open"; readonly totalSlots: number }
  | { readonly kind: "close" }
  | { readonly kind: "start" }
  | { readonly kind: "join"; readonly player: number; readonly socket: number }
  | { readonly kind: "drop"; readonly player: number; readonly count: number }
  | { readonly kind: "forbidden"; readonly sender: "player" | "otherHost" | "hostClaims"; readonly player: number; readonly event: (typeof HOST_EVENTS)[number] };

/** Host-only events a player (or another host) must be refused, with a valid payload for the run's game. */
const HOST_EVENTS = ["claims:open", "claims:close", "round:start", "round:draw", "round:auto", "round:pause", "round:resume", "round:end"] as const;

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant("claim" as const),
      player: fc.nat(PLAYERS - 1),
      socket: fc.nat(1),
      count: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 4 }) }, fc.integer({ min: 1, max: 100 })),
      repeat: fc.option(fc.nat(20), { freq: 3 }),
      sameCount: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("open" as const), totalSlots: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: "close" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "start" as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("join" as const), player: fc.nat(PLAYERS - 1), socket: fc.nat(1) }) },
  // A claim whose connection drops before the answer; the player reconnects and sends it again.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("drop" as const), player: fc.nat(PLAYERS - 1), count: fc.integer({ min: 1, max: 4 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("forbidden" as const),
      sender: fc.constantFrom("player" as const, "otherHost" as const, "hostClaims" as const),
      player: fc.nat(PLAYERS - 1),
      event: fc.constantFrom(...HOST_EVENTS),
    }),
  },
);

const scenarioArb = fc.record({
  totalSlots: fc.integer({ min: 1, max: 30 }),
  maxPerPlayer: fc.integer({ min: 1, max: 6 }),
  // Bursts run one after another; the commands of a burst are all in flight at once.
  bursts: fc.array(fc.array(commandArb, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 6 }),
});

/** A valid payload of a host-only event for `gameId`. */
function hostPayload(event: (typeof HOST_EVENTS)[number], gameId: string): Record<string, unknown> {
  switch (event) {
    case "claims:open":
      return { gameId, totalSlots: 100, maxPerPlayer: 100 };
    case "round:draw":
      return { gameId, index: 0 };
    case "round:auto":
      return { gameId, intervalMs: 1000 };
    default:
      return { gameId };
  }
}

const privateRedisUrl = privateRedis();

describe.each([
  // Two nodes on one Redis; a small batch cap makes claims spill over several ticks; no slot-broadcast throttle shows every state.
  ["two nodes on redis", privateRedisUrl, { tickMs: 5, maxClaimsPerTick: 3, slotsMinIntervalMs: 0 }, 25],
  ["embedded (memory)", () => undefined, { tickMs: 5 }, 20],
])("claim engine invariants on %s", (_name, redisUrl, config, runs) => {
  let app: TestApp;
  /** Where second connections go: another node on the same Redis, or the same node. */
  let other: TestApp;
  /** Per player, a connection only "drop" commands use (it disconnects), one drop at a time. */
  let droppers: RawSocket[];
  let dropQueue: Promise<void>[];
  let host: BingoClient;
  let otherHost: BingoClient;
  /** sockets[player][0 | 1]; a player without a second connection uses its first. */
  let sockets: BingoClient[][];
  const slotEvents = new Map<BingoClient, SlotsMessage[]>();
  const shapeProblems: string[] = [];

  beforeAll(async () => {
    app = await startTestApp({ redisUrl: redisUrl(), config });
    other = redisUrl() ? await startTestApp({ redisUrl: redisUrl(), config }) : app;
    host = await app.client("claims-host", "host");
    otherHost = await app.client("claims-other-host", "host");
    sockets = [];
    for (let p = 0; p < PLAYERS; p++) {
      const first = await app.client(PLAYER_IDS[p], "player");
      sockets.push([first, p < SECOND_SOCKETS ? await other.client(PLAYER_IDS[p], "player") : first]);
    }
    droppers = PLAYER_IDS.map((id) => io(app.url, { transports: ["websocket"], forceNew: true, auth: { token: tokenFor(id, "player") } }) as unknown as RawSocket);
    dropQueue = PLAYER_IDS.map(() => Promise.resolve());
    for (const client of new Set([host, otherHost, ...sockets.flat()])) {
      const seen: SlotsMessage[] = [];
      slotEvents.set(client, seen);
      raw(client).on("slots", (message: SlotsMessage) => seen.push(message));
      watchServerEvents(raw(client), shapeProblems);
    }
  });
  afterAll(async () => {
    for (const socket of droppers) socket.close();
    if (other !== app) await other.stop();
    await app.stop();
  });

  test("no oversell, no shared card, no player over the limit, one answer per request, a count that only falls", async () => {
    let runNo = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ totalSlots, maxPerPlayer, bursts }) => {
        const run = ++runNo;
        const { gameId } = ok(await request(host, "game:create", { title: `Claims ${run}` }), "create");
        for (const client of new Set(sockets.flat())) ok(await request(client, "game:join", { gameId }), "join");
        const opened = ok(await request(host, "claims:open", { gameId, totalSlots, maxPerPlayer }), "open");

        const problems: string[] = [];
        /** Every slot state seen, from acks, snapshots and broadcasts. */
        const states: SlotState[] = [opened.slots];
        /** Versions at which a window was opened: the count may rise only there. */
        const openVersions = new Set<number>([opened.slots.version]);
        /** Requests each player has made: id and the counts it was sent with. */
        const requests: { id: string; counts: number[] }[][] = Array.from({ length: PLAYERS }, () => []);
        /** Definitive answers per "player|requestId". */
        const answers = new Map<string, Ack<Claimed>[]>();
        let started = false;

        const expectCode = outcomeChecker(problems);

        const record = (player: number, id: string, ack: Ack<Claimed>): void => {
          expectCode(`claim ${id}`, ack, ["ok", "SOLD_OUT", "LIMIT_REACHED", "CLAIMS_CLOSED"]);
          if (ack.ok) states.push(ack.slots);
          if (ack.ok || ack.error.code !== "RATE_LIMITED") {
            const key = `${player}|${id}`;
            answers.set(key, [...(answers.get(key) ?? []), ack]);
          }
        };

        const execute = async (command: Command): Promise<void> => {
          switch (command.kind) {
            case "claim": {
              const mine = requests[command.player];
              const earlier = command.repeat !== null && mine.length > 0 ? mine[command.repeat % mine.length] : null;
              const entry = earlier ?? { id: `run${run}-p${command.player}-r${mine.length}`, counts: [] };
              if (!earlier) mine.push(entry);
              const count = earlier && command.sameCount ? earlier.counts[0] : command.count;
              entry.counts.push(count);
              record(command.player, entry.id, await request(sockets[command.player][command.socket], "cards:claim", { gameId, count, requestId: entry.id }));
              return;
            }
            case "drop": {
              const entry = { id: `run${run}-p${command.player}-r${requests[command.player].length}`, counts: [command.count] };
              requests[command.player].push(entry);
              const payload = { gameId, count: command.count, requestId: entry.id };
              const socket = droppers[command.player];
              const dropped = dropQueue[command.player].then(async () => {
                if (!socket.connected) await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
                // The claim leaves, the connection closes before any answer can come back; then the retry.
                socket.emit("cards:claim", payload, () => problems.push(`${entry.id}: answered on a closed connection`));
                socket.disconnect();
                socket.connect();
                await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
                const ack = await emitWithAck(socket, "cards:claim", [payload]);
                const shape = ackProblem("cards:claim", ack);
                if (shape) problems.push(shape);
                else record(command.player, entry.id, ack as Ack<Claimed>);
              });
              dropQueue[command.player] = dropped;
              await dropped;
              return;
            }
            case "open": {
              const ack = await request(host, "claims:open", { gameId, totalSlots: command.totalSlots, maxPerPlayer });
              expectCode("open", ack, ["ok", "WRONG_PHASE", "BAD_REQUEST"]);
              if (ack.ok) {
                states.push(ack.slots);
                openVersions.add(ack.slots.version);
                if (ack.slots.total !== command.totalSlots) problems.push(`open ${command.totalSlots} answered ${JSON.stringify(ack.slots)}`);
              }
              return;
            }
            case "close": {
              const ack = await request(host, "claims:close", { gameId });
              expectCode("close", ack, ["ok", "WRONG_PHASE"]);
              if (ack.ok) states.push(ack.slots);
              return;
            }
            case "start": {
              const ack = await request(host, "round:start", { gameId });
              expectCode("start", ack, ["ok", "WRONG_PHASE"]);
              if (ack.ok) started = true;
              return;
            }
            case "join": {
              const game = await snapshot(sockets[command.player][command.socket], gameId);
              states.push(game.slots);
              return;
            }
            case "forbidden": {
              const ack =
                command.sender === "hostClaims"
                  ? await request(host, "cards:claim", { gameId, count: 1, requestId: `host-${run}` })
                  : await request(command.sender === "player" ? sockets[command.player][0] : otherHost, command.event, hostPayload(command.event, gameId));
              expectCode(`${command.sender} ${command.event}`, ack, ["FORBIDDEN"]);
              return;
            }
          }
        };

        for (const burst of bursts) await Promise.all(burst.map(execute));

        // Snapshots after everything settled: what each player holds, and the host's count.
        const final = await snapshot(host, gameId);
        states.push(final.slots);
        const held = new Map<number, number>();
        for (let p = 0; p < PLAYERS; p++) {
          const game = await snapshot(sockets[p][1], gameId);
          states.push(game.slots);
          const acked = new Map<number, string>();
          for (const entry of requests[p]) {
            // A grant is recorded: every grant of one (player, requestId), however often and from
            // whichever connection it was sent, is the same one. A refusal is not recorded, so a
            // repeat of it is decided afresh (refused again, or granted once the window reopened).
            const grants = (answers.get(`${p}|${entry.id}`) ?? []).filter((ack) => ack.ok);
            for (const other of grants.slice(1)) {
              if (JSON.stringify(other) !== JSON.stringify(grants[0])) problems.push(`player ${p} ${entry.id}: ${JSON.stringify(grants[0]).slice(0, 200)} then ${JSON.stringify(other).slice(0, 200)}`);
            }
            const first = grants[0];
            if (!first?.ok) continue;
            const ids = first.cards.map((card) => card.id);
            if (ids.length > Math.max(...entry.counts)) problems.push(`${entry.id} asked for at most ${Math.max(...entry.counts)}, got ${ids.length}`);
            ids.forEach((id, i) => {
              if (i > 0 && id !== ids[0] + i) problems.push(`${entry.id}: card ids ${ids.join(",")} are not consecutive`);
              if (held.has(id)) problems.push(`card ${id} granted to player ${held.get(id)} and player ${p}`);
              held.set(id, p);
              acked.set(id, JSON.stringify(first.cards[i].grid));
            });
          }
          if (acked.size > maxPerPlayer) problems.push(`player ${p} holds ${acked.size} cards, over maxPerPlayer ${maxPerPlayer}`);
          // Every card acked is the player's, and the player has no card that was not acked.
          const mine = new Map(game.myCards.map((card) => [card.id, JSON.stringify(card.grid)]));
          expect([...mine].sort((a, b) => a[0] - b[0])).toEqual([...acked].sort((a, b) => a[0] - b[0]));
        }
        // Cards are numbered 1..n in grant order, never more than the slots.
        expect([...held.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: held.size }, (_, i) => i + 1));
        expect(final.slots.total - final.slots.remaining).toBe(held.size);
        expect(held.size).toBeLessThanOrEqual(final.slots.total);
        expect(started ? ["running"] : ["claiming", "lobby"]).toContain(final.phase);

        // Broadcasts: each connection sees versions strictly rise.
        for (const [client, seen] of slotEvents) {
          const versions = seen.filter((m) => m.gameId === gameId).map((m) => m.version);
          versions.forEach((v, i) => {
            if (i > 0 && v <= versions[i - 1]) problems.push(`${client.socket.id} saw slots version ${versions[i - 1]} then ${v}`);
          });
          for (const { gameId: id, ...state } of seen) if (id === gameId) states.push(state);
        }
        problems.push(...slotStateProblems(states, openVersions));
        expect(problems).toEqual([]);
        expect(shapeProblems).toEqual([]);
        await expectServesFreshClients(app);
      }),
      fuzzParams(runs),
    );
  }, fuzzTimeoutMs());
});

/**
 * One version is one state; between two versions with no window opened in between, the
 * total stays and the count never rises.
 */
function slotStateProblems(states: readonly SlotState[], openVersions: ReadonlySet<number>): string[] {
  const problems: string[] = [];
  const byVersion = new Map<number, SlotState>();
  for (const state of states) {
    const known = byVersion.get(state.version);
    if (!known) byVersion.set(state.version, state);
    else if (known.total !== state.total || known.remaining !== state.remaining) {
      problems.push(`version ${state.version} is both ${JSON.stringify(known)} and ${JSON.stringify(state)}`);
    }
    if (state.remaining < 0 || state.remaining > state.total) problems.push(`impossible state ${JSON.stringify(state)}`);
  }
  const ordered = [...byVersion.values()].sort((a, b) => a.version - b.version);
  for (let i = 1; i < ordered.length; i++) {
    const [before, after] = [ordered[i - 1], ordered[i]];
    const reopened = [...openVersions].some((v) => v > before.version && v <= after.version);
    if (!reopened && (after.remaining > before.remaining || after.total !== before.total)) {
      problems.push(`with no window opened between them, ${JSON.stringify(before)} was followed by ${JSON.stringify(after)}`);
    }
  }
  return problems;
}
