import fc from "fast-check";
import type { BingoClient } from "../../shared/client";
import type { Ack, CallAccepted, DrawMessage, FinishedMessage, Grid, PatternName, Variant, WinnersMessage, WonMessage } from "../../shared/protocol";
import { noticeOf } from "../../shared/game/award-notice";
import { DEFAULT_PATTERNS, MAX_PRIZE, PATTERNS_BY_VARIANT, publicRecordSchema } from "../../shared/protocol";
import { cardGrid, drawOrder } from "../../server/domain/cards";
import { verifyRecord } from "../../server/domain/game-record";
import { inPlayFrom } from "../../server/domain/record-calls";
import { completionIndex, drawPositions } from "../../server/domain/patterns";
import { ok } from "../support/acks";
import { nextEvent } from "../support/events";
import { expectServesFreshClients, fuzzParams, fuzzTimeoutMs, privateRedis, outcomeChecker, raw, request, watchServerEvents } from "../support/fuzz";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";

/**
 * A whole round under arbitrary commands: the host draws (the next index, none, or any
 * index; one at a time or several at once), pauses, resumes, switches auto-draw on and
 * off, ends the game; players call bingo on their own cards, other players' cards and
 * cards nobody holds, repeat calls, turn auto-claim off and on; players and another host
 * try to draw and control the round. Whatever happens: only the host draws, draws are
 * unique balls of the variant, every answer and event agrees with the public record, the
 * record passes the verifier, accepted calls are real completions of the caller's own
 * card that win their pattern or lose it only to an earlier ball, and each prize pool is
 * split exactly.
 */

const PLAYERS = 3;
/** Winners each award lists to clients: small, so that the fuzzer cuts lists often. */
const SHOWN = 2;

type Command =
  | { readonly kind: "draws"; readonly n: number; readonly mode: "next" | "none" | "any"; readonly index: number }
  | { readonly kind: "forbiddenDraw"; readonly by: "player" | "otherHost"; readonly player: number }
  | { readonly kind: "forbiddenControl"; readonly by: "player" | "otherHost"; readonly player: number; readonly event: "round:pause" | "round:resume" | "round:auto" | "round:end" }
  | { readonly kind: "pause" }
  | { readonly kind: "resume" }
  | { readonly kind: "auto"; readonly intervalMs: number | null }
  | { readonly kind: "call"; readonly player: number; readonly target: Target; readonly pick: number; readonly repeat: number | null }
  | { readonly kind: "autoClaim"; readonly player: number; readonly enabled: boolean }
  | { readonly kind: "wait"; readonly ms: number }
  | { readonly kind: "end" };

/**
 * Which card a call names: one of the caller's that completes the pattern in play with the
 * balls the caller has seen (a call that should count), any of the caller's, another
 * player's, or any id at all.
 */
type Target = "completing" | "own" | "other" | "any";

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant("draws" as const),
      n: fc.integer({ min: 1, max: 8 }),
      mode: fc.constantFrom("next" as const, "none" as const, "any" as const),
      index: fc.nat(89),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("forbiddenDraw" as const), by: fc.constantFrom("player" as const, "otherHost" as const), player: fc.nat(PLAYERS - 1) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("forbiddenControl" as const),
      by: fc.constantFrom("player" as const, "otherHost" as const),
      player: fc.nat(PLAYERS - 1),
      event: fc.constantFrom("round:pause" as const, "round:resume" as const, "round:auto" as const, "round:end" as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "pause" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "resume" as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("auto" as const), intervalMs: fc.option(fc.integer({ min: 250, max: 300 }), { freq: 2 }) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("call" as const),
      player: fc.nat(PLAYERS - 1),
      target: fc.constantFrom<Target>("completing", "completing", "own", "other", "any"),
      pick: fc.nat(60),
      repeat: fc.option(fc.nat(10), { freq: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("autoClaim" as const), player: fc.nat(PLAYERS - 1), enabled: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("wait" as const), ms: fc.integer({ min: 10, max: 150 }) }) },
);

const gameArb = fc.constantFrom<Variant>(75, 90).chain((variant) =>
  fc.record({
    variant: fc.constant(variant),
    patterns:
      variant === 90
        ? fc.constant([...DEFAULT_PATTERNS[90]])
        : fc.shuffledSubarray([...PATTERNS_BY_VARIANT[75]], { minLength: 1 }).map((names) => names as PatternName[]),
    // Mostly pools no small number of winners divides, so that remainders roll over; also none, and the largest allowed.
    prizePool: fc.array(fc.oneof(fc.constantFrom(1, 7, 101, 1_000_003, 999_999_999_989), fc.constantFrom(0, MAX_PRIZE), fc.nat(1_000_000)), {
      minLength: 3,
      maxLength: 3,
    }),
    // Many cards make shared wins (and so split pools with a remainder) common.
    maxPerPlayer: fc.integer({ min: 1, max: 40 }),
    claims: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: PLAYERS, maxLength: PLAYERS }),
    autoClaimOff: fc.array(fc.boolean(), { minLength: PLAYERS, maxLength: PLAYERS }),
    bursts: fc.array(fc.array(commandArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 }),
    /** The host ends the game alongside this burst's commands (if there is such a burst); mostly not, so prizes get awarded. */
    endWith: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat(11) }),
    /** After the bursts, every remaining ball is drawn (and called) before the end. */
    playOut: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  }),
);

const privateRedisUrl = privateRedis();

describe.each([
  ["two nodes on redis", privateRedisUrl, 10],
  ["embedded (memory)", () => undefined, 8],
])("round invariants on %s", (_name, redisUrl, runs) => {
  let app: TestApp;
  /** A second node on the same Redis (or the same node): half the players, and the host's second connection. */
  let other: TestApp;
  let host: BingoClient;
  /** The host's connections (one per node); round commands take turns on them. */
  let hostVia: BingoClient[];
  let turn = 0;
  const anyHost = (): BingoClient => hostVia[turn++ % hostVia.length];
  let otherHost: BingoClient;
  let players: BingoClient[];
  const draws = new Map<BingoClient, DrawMessage[]>();
  const winners = new Map<BingoClient, WinnersMessage[]>();
  const finished = new Map<BingoClient, FinishedMessage[]>();
  const won = new Map<BingoClient, WonMessage[]>();
  const versions = new Map<BingoClient, { gameId: string; event: string; version: number }[]>();
  const shapeProblems: string[] = [];

  beforeAll(async () => {
    // A short claim grace so that awards are made while the run lasts; awards list only their first 2 winners.
    app = await startTestApp({ redisUrl: redisUrl(), config: { tickMs: 5, claimGraceMs: 150, awardWinnersShown: SHOWN } });
    other = redisUrl() ? await startTestApp({ redisUrl: redisUrl(), config: { tickMs: 5, claimGraceMs: 150, awardWinnersShown: SHOWN } }) : app;
    host = await app.client("round-host", "host");
    hostVia = other === app ? [host] : [host, await other.client("round-host", "host")];
    otherHost = await other.client("round-other-host", "host");
    players = [];
    for (let p = 0; p < PLAYERS; p++) players.push(await (p % 2 === 0 ? app : other).client(`round-player-${p}`, "player"));
    for (const client of [host, otherHost, ...players]) {
      const seenDraws: DrawMessage[] = [];
      const seenWinners: WinnersMessage[] = [];
      const seenFinished: FinishedMessage[] = [];
      const seenWon: WonMessage[] = [];
      const seenVersions: { gameId: string; event: string; version: number }[] = [];
      draws.set(client, seenDraws);
      winners.set(client, seenWinners);
      finished.set(client, seenFinished);
      won.set(client, seenWon);
      versions.set(client, seenVersions);
      const socket = raw(client);
      socket.on("draw", (m: DrawMessage) => seenDraws.push(m));
      socket.on("winners", (m: WinnersMessage) => seenWinners.push(m));
      socket.on("game:finished", (m: FinishedMessage) => seenFinished.push(m));
      socket.on("bingo:won", (m: WonMessage) => seenWon.push(m));
      socket.onAny((event: string, m: { gameId?: string; version?: number }) => {
        if (event !== "slots" && event !== "game:stats" && typeof m?.version === "number") seenVersions.push({ gameId: m.gameId!, event, version: m.version });
      });
      watchServerEvents(socket, shapeProblems);
    }
  });
  afterAll(async () => {
    if (other !== app) await other.stop();
    await app.stop();
  });

  test("only the host draws, draws are unique, answers agree with the verified record, prizes split exactly", async () => {
    let runNo = 0;
    await fc.assert(
      fc.asyncProperty(gameArb, async (scenario) => {
        const run = ++runNo;
        const { variant, patterns, maxPerPlayer } = scenario;
        const prizes = scenario.prizePool.slice(0, patterns.length);
        const created = ok(await request(host, "game:create", { title: `Round ${run}`, variant, patterns, prizes }), "create");
        const { gameId } = created;
        const problems: string[] = [];
        const expectCode = outcomeChecker(problems);

        const finishHeard = players.map((client) => nextEvent(client.socket, "game:finished", (m) => m.gameId === gameId));
        // Cards: each player claims, some turn auto-claim off; then the round starts.
        for (const client of [host, ...players]) ok(await request(client, "game:join", { gameId }), "join");
        ok(await request(host, "claims:open", { gameId, totalSlots: PLAYERS * maxPerPlayer, maxPerPlayer }), "open");
        const owner = new Map<number, number>();
        const grids = new Map<number, Grid>();
        const owned: number[][] = [];
        for (let p = 0; p < PLAYERS; p++) {
          const claimed = ok(await request(players[p], "cards:claim", { gameId, count: scenario.claims[p], requestId: "cards" }), "claim");
          owned.push(claimed.cards.map((card) => card.id));
          for (const card of claimed.cards) {
            owner.set(card.id, p);
            grids.set(card.id, card.grid);
          }
          if (scenario.autoClaimOff[p]) ok(await request(players[p], "bingo:auto", { gameId, enabled: false }), "auto-claim off");
        }
        ok(await request(host, "round:start", { gameId }), "start");

        const drawAcks: { ball: number; index: number }[] = [];
        const calls: { player: number; cardId: number; requestId: string; ack: Ack<CallAccepted> }[] = [];
        const callIds: { requestId: string; cardId: number }[][] = Array.from({ length: PLAYERS }, () => []);
        let nextCall = 0;

        /** The caller's cards that complete the pattern in play with the balls its connection has seen. */
        const completing = (player: number): number[] => {
          const seen = draws.get(players[player])!.filter((m) => m.gameId === gameId);
          const pattern = patterns[winners.get(players[player])!.filter((m) => m.gameId === gameId).length];
          if (!pattern) return [];
          const positions = drawPositions(seen.map((m) => m.ball));
          return owned[player].filter((id) => completionIndex(grids.get(id)!, pattern, positions) < seen.length);
        };

        const call = async (player: number, sent: { requestId: string; cardId: number }, repeated: boolean): Promise<void> => {
          const { requestId, cardId } = sent;
          if (!repeated) callIds[player].push(sent);
          const ack = await request(players[player], "bingo:call", { gameId, cardId, requestId });
          calls.push({ player, cardId, requestId, ack });
          if (owner.get(cardId) !== player && !repeated) expectCode(`call on card ${cardId} not held`, ack, ["FORBIDDEN", "WRONG_PHASE"]);
          else expectCode(`call on card ${cardId}`, ack, ["ok", "INVALID_CLAIM", "WRONG_PHASE", "FORBIDDEN"]);
        };

        const draw = async (payload: { gameId: string; index?: number }): Promise<void> => {
          const ack = await request(anyHost(), "round:draw", payload);
          // Paused, finished, out of balls, or an index past the next one: refused, never another host's error.
          expectCode(`draw ${JSON.stringify(payload)}`, ack, ["ok", "WRONG_PHASE", "BAD_REQUEST"]);
          if (ack.ok) {
            drawAcks.push(ack);
            if (payload.index !== undefined && ack.index !== payload.index) problems.push(`draw for index ${payload.index} answered index ${ack.index}`);
          }
        };

        const execute = async (command: Command): Promise<void> => {
          switch (command.kind) {
            case "draws": {
              const known = Math.max(0, ...drawAcks.map((d) => d.index + 1));
              const payloads = Array.from({ length: command.n }, (_, i) =>
                command.mode === "none" ? { gameId } : { gameId, index: command.mode === "next" ? known + i : (command.index + i) % 90 },
              );
              await Promise.all(payloads.map(draw));
              return;
            }
            case "forbiddenDraw": {
              const by = command.by === "player" ? players[command.player] : otherHost;
              expectCode("a draw by a non-host", await request(by, "round:draw", { gameId }), ["FORBIDDEN"]);
              return;
            }
            case "forbiddenControl": {
              const by = command.by === "player" ? players[command.player] : otherHost;
              const payload = command.event === "round:auto" ? { gameId, intervalMs: 250 } : { gameId };
              expectCode(`${command.event} by a non-host`, await request(by, command.event, payload), ["FORBIDDEN"]);
              return;
            }
            case "pause":
            case "resume": {
              const ack = await request(anyHost(), command.kind === "pause" ? "round:pause" : "round:resume", { gameId });
              expectCode(command.kind, ack, ["ok", "WRONG_PHASE"]);
              return;
            }
            case "auto": {
              expectCode("auto", await request(anyHost(), "round:auto", { gameId, intervalMs: command.intervalMs }), ["ok", "WRONG_PHASE"]);
              return;
            }
            case "call": {
              const mine = command.target === "completing" ? completing(command.player) : [];
              const own = owned[command.player];
              const others = [...owner.keys()].filter((id) => owner.get(id) !== command.player);
              const cardId =
                mine.length > 0
                  ? mine[command.pick % mine.length]
                  : command.target !== "any" && command.target !== "other" && own.length > 0
                    ? own[command.pick % own.length]
                    : command.target === "other" && others.length > 0
                      ? others[command.pick % others.length]
                      : 1 + command.pick;
              const earlier = callIds[command.player];
              // A repeat is sent as it was first sent (same card), possibly before the first is answered.
              const repeated = command.repeat !== null && earlier.length > 0 ? earlier[command.repeat % earlier.length] : null;
              await call(command.player, repeated ?? { requestId: `call-${nextCall++}`, cardId }, repeated !== null);
              return;
            }
            case "autoClaim": {
              expectCode("bingo:auto", await request(players[command.player], "bingo:auto", { gameId, enabled: command.enabled }), ["ok"]);
              return;
            }
            case "wait":
              await new Promise((resolve) => setTimeout(resolve, command.ms));
              return;
            case "end": {
              expectCode("end", await request(anyHost(), "round:end", { gameId }), ["ok", "WRONG_PHASE"]);
              return;
            }
          }
        };

        for (const [i, burst] of scenario.bursts.entries()) {
          await Promise.all([...burst, ...(i === scenario.endWith ? [{ kind: "end" as const }] : [])].map(execute));
        }
        if (scenario.playOut) {
          // Every ball, one by one (a pause is lifted first); then the end awards what is pending.
          await request(host, "round:resume", { gameId });
          // After each ball every player calls the cards it sees complete (once each): calls that should count.
          const called = new Set<string>();
          for (let index = Math.max(0, ...drawAcks.map((d) => d.index + 1)); index < variant; index++) {
            await draw({ gameId, index });
            await Promise.all(
              players.map(async (_, p) => {
                for (const cardId of completing(p)) {
                  const key = `${winners.get(players[p])!.filter((m) => m.gameId === gameId).length}:${cardId}`;
                  if (called.has(key)) continue;
                  called.add(key);
                  await call(p, { requestId: `call-${nextCall++}`, cardId }, false);
                }
              }),
            );
          }
        }
        await request(host, "round:auto", { gameId, intervalMs: null });
        const ended = await request(host, "round:end", { gameId });
        expectCode("final end", ended, ["ok", "WRONG_PHASE"]);
        // Every player's connection hears the game finish.
        await Promise.all(finishHeard);

        const response = await fetch(`${app.url}/api/games/${gameId}/record`);
        expect(response.status).toBe(200);
        const parsed = publicRecordSchema.safeParse(await response.json());
        if (!parsed.success) throw new Error(`record does not fit its schema: ${parsed.error.message}`);
        const record = parsed.data;
        expect(verifyRecord(record)).toEqual({ ok: true });
        expect(record.commitment).toBe(created.commitment);
        expect(record.patterns).toEqual(patterns);
        expect(record.prizes).toEqual(prizes);
        // What clients are sent of each award: its first SHOWN winners and their number.
        const notices = record.awards.map((award) => noticeOf(award, SHOWN));
        if (ended.ok) {
          expect(ended.seed).toBe(record.seed);
          expect(ended.results).toEqual(notices);
        }

        // Draws: unique balls of the variant, a prefix of the seed's order, and every answer and event agrees.
        expect(new Set(record.draws).size).toBe(record.draws.length);
        for (const ball of record.draws) expect(ball >= 1 && ball <= variant).toBe(true);
        const order = drawOrder(record.seed, variant);
        expect(record.draws).toEqual(order.slice(0, record.draws.length));
        for (const { ball, index } of drawAcks) if (record.draws[index] !== ball) problems.push(`draw ack ${index} → ${ball}, record has ${record.draws[index]}`);
        // One node sends its room events in order. Across nodes they may cross (each node emits its own draws at once,
        // the other's after a trip through Redis): a client then sees a gap and joins again, as the SDK does.
        const oneNode = other === app;
        for (const client of [host, ...players]) {
          const seen = draws.get(client)!.filter((m) => m.gameId === gameId);
          seen.forEach((m, i) => {
            if (record.draws[m.index] !== m.ball) problems.push(`draw event ${m.index} → ${m.ball}, record has ${record.draws[m.index]}`);
            if (seen.findIndex((n) => n.index === m.index) !== i) problems.push(`draw ${m.index} announced twice`);
            if (oneNode && i > 0 && (m.index <= seen[i - 1].index || m.version <= seen[i - 1].version)) problems.push(`draw events out of order: ${JSON.stringify(seen[i - 1])} then ${JSON.stringify(m)}`);
          });
          // Each kind of round event comes in version order. (Across kinds the protocol promises no order: on Redis a
          // `winners` of version v can follow the `draw` of v + 1, which clients handle by pattern index.)
          for (const event of oneNode ? ["draw", "winners", "game:phase", "game:finished"] : []) {
            const seenVersions = versions.get(client)!.filter((v) => v.gameId === gameId && v.event === event);
            seenVersions.forEach((v, i) => {
              if (i > 0 && v.version < seenVersions[i - 1].version) problems.push(`${event} version went back: ${seenVersions[i - 1].version} then ${v.version}`);
            });
          }
          // The winners announced, and the results at the end, are the record's awards (their first winners, counted).
          const announced = winners.get(client)!.filter((m) => m.gameId === gameId).sort((a, b) => patterns.indexOf(a.pattern) - patterns.indexOf(b.pattern));
          expect(announced.map(({ pattern, ballIndex, winners: w, winnerCount, prizeEach }) => ({ pattern, ballIndex, winners: w, winnerCount, prizeEach }))).toEqual(
            notices.map(({ pattern, ballIndex, winners: w, winnerCount, prizeEach }) => ({ pattern, ballIndex, winners: w, winnerCount, prizeEach })),
          );
          const results = finished.get(client)!.filter((m) => m.gameId === gameId);
          expect(results).toHaveLength(1);
          expect(results[0].seed).toBe(record.seed);
          expect(results[0].results).toEqual(notices);
        }
        // Each player was told of exactly its own winning cards, each once.
        players.forEach((client, p) => {
          const told = won.get(client)!.filter((m) => m.gameId === gameId).flatMap((m) => m.cardIds.map((cardId) => `${m.pattern}#${cardId}@${m.ballIndex}`));
          const owed = record.awards.flatMap((a) => a.winners.filter((w) => w.playerId === `round-player-${p}`).map((w) => `${a.pattern}#${w.cardId}@${a.ballIndex}`));
          expect(told.sort()).toEqual(owed.sort());
        });

        // Awards: in pattern order, to the holders of the cards, each pool split exactly. A card
        // complete before its pattern came into play counts on the ball at which it came into play.
        const positions = drawPositions(order);
        const from = inPlayFrom(record);
        const completesOn = (cardId: number, pattern: PatternName): number =>
          Math.max(completionIndex(cardGrid(record.seed, variant, cardId), pattern, positions), from[patterns.indexOf(pattern)]);
        let carry = 0;
        record.awards.forEach((award, i) => {
          expect(award.pattern).toBe(patterns[i]);
          const pool = prizes[i] + carry;
          expect(award.prizeEach * award.winners.length + award.remainder).toBe(pool);
          expect(award.prizeEach).toBe(Math.floor(pool / award.winners.length));
          carry = award.remainder;
          expect(new Set(award.winners.map((w) => w.cardId)).size).toBe(award.winners.length);
          for (const winner of award.winners) {
            expect(winner.playerId).toBe(`round-player-${owner.get(winner.cardId)}`);
            expect(completesOn(winner.cardId, award.pattern)).toBe(award.ballIndex);
            if (i > 0) expect(award.ballIndex).toBeGreaterThanOrEqual(record.awards[i - 1].ballIndex);
          }
        });

        // Calls: an accepted call is the caller's own card completing the named pattern exactly on the named ball.
        // A refusal is not recorded (a repeat is decided afresh), so only the accepted answers of one request must agree.
        for (const call of calls) {
          if (!call.ack.ok) continue;
          const firstAccepted = calls.find((c) => c.player === call.player && c.requestId === call.requestId && c.ack.ok)!;
          if (JSON.stringify(call.ack) !== JSON.stringify(firstAccepted.ack)) problems.push(`call ${call.requestId}: ${JSON.stringify(firstAccepted.ack)} then ${JSON.stringify(call.ack)}`);
          const { pattern, ballIndex } = call.ack;
          if (owner.get(call.cardId) !== call.player) problems.push(`call accepted on card ${call.cardId} of player ${owner.get(call.cardId)} from player ${call.player}`);
          const at = completesOn(call.cardId, pattern);
          if (at !== ballIndex || at >= record.draws.length) problems.push(`call on card ${call.cardId} accepted for ${pattern} on ball ${ballIndex}; it completes on ${at}`);
          // The record logs it (or an earlier accepted call of the same card for the same pattern).
          const logged = record.calls.some((e) => patterns[e.pattern] === pattern && e.cards.some((c) => c.cardId === call.cardId && c.playerId === `round-player-${call.player}`));
          if (!logged) problems.push(`call on card ${call.cardId} accepted for ${pattern} is not in the record's calls`);
          // Fair winners: an accepted call is awarded its pattern, or loses it only to an earlier ball.
          const award = record.awards.find((a) => a.pattern === pattern);
          const shares = award?.winners.some((w) => w.cardId === call.cardId) ?? false;
          if (!award || award.ballIndex > ballIndex || (award.ballIndex === ballIndex && !shares)) {
            problems.push(`call on card ${call.cardId} accepted for ${pattern} on ball ${ballIndex}, but the award is ${JSON.stringify(award)}`);
          }
        }
        expect(problems).toEqual([]);
        expect(shapeProblems).toEqual([]);
        await expectServesFreshClients(app);
      }),
      fuzzParams(runs),
    );
  }, fuzzTimeoutMs());
});
