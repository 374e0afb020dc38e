import type { BingoClient } from "../../shared/client";
import { BingoClient as Client } from "../../shared/client";
import type { Card, PublicRecord, RecordIds } from "../../shared/protocol";
import { publicRecordSchema } from "../../shared/protocol";
import { recordIdOf } from "../../server/domain/fair-random";
import { verifyRecord } from "../../server/domain/game-record";
import { isComplete } from "../../server/domain/patterns";
import { ok } from "../support/acks";
import type { NodeProcess } from "../support/node-process";
import { startNodeProcess } from "../support/node-process";
import type { RedisDeployment } from "../support/redis-deployments";
import { REDIS_DEPLOYMENTS } from "../support/redis-deployments";
import { TEST_SECRET, tokenFor } from "../support/test-app";

/** Long enough that no award is made while a test calls: the host's round:end makes it. */
const GRACE_MS = 60_000;

/**
 * Call answers follow the rules whatever the arrival order, over real sockets on 2 nodes:
 * a valid call on ball j+1 while ball j's award is pending is OK for j+1, whether it
 * arrives before or after the call on j; the prize goes to ball j; the record shows both
 * calls and verifies.
 */
describe.each(REDIS_DEPLOYMENTS)("fair call answers on %s", (_name, startDeployment) => {
  let redis: RedisDeployment;
  let nodes: NodeProcess[] = [];
  const clients: BingoClient[] = [];

  beforeAll(async () => {
    redis = await startDeployment();
    const env = { ...redis.env, AUTH_SECRET: TEST_SECRET, TICK_MS: "20", CLAIM_GRACE_MS: String(GRACE_MS) };
    nodes = await Promise.all([0, 1].map(() => startNodeProcess(env)));
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all(nodes.map((node) => node.stop()));
    await redis.stop();
  });

  async function connect(node: number, sub: string, role: "player" | "host"): Promise<BingoClient> {
    const client = await Client.connect({ url: nodes[node].url, token: tokenFor(sub, role), ackTimeoutMs: 20_000, retries: 2 });
    clients.push(client);
    return client;
  }

  interface Holder {
    readonly sub: string;
    readonly node: number;
    readonly client: BingoClient;
    readonly card: Card;
  }

  /**
   * A game with 60 players (half on each node, 4 cards each, auto-claim off), drawn until
   * one card completes a line on ball j and a card of a player on the other node completes
   * it on ball j+1. Nobody calls while drawing.
   */
  async function consecutiveLines(prefix: string, recordIds: RecordIds) {
    const host = await connect(0, `${prefix}-host`, "host");
    const { gameId } = ok(await host.createGame({ title: prefix, prizes: [1000, 0], recordIds }), "create");
    const joined = ok(await host.join(gameId), "host join");
    expect(joined.game.graceMs).toBe(GRACE_MS);
    const players = await Promise.all(
      Array.from({ length: 60 }, async (_, n) => {
        const client = await connect(n % 2, `${prefix}-${n}`, "player");
        ok(await client.join(gameId), "join");
        return { sub: `${prefix}-${n}`, node: n % 2, client };
      }),
    );
    ok(await host.openClaims({ gameId, totalSlots: 240, maxPerPlayer: 4 }), "open");
    const holders: Holder[] = [];
    for (const player of players) {
      ok(await player.client.setAutoClaim(gameId, false), "auto off");
      for (const card of ok(await player.client.claim(gameId, 4), "claim").cards) holders.push({ ...player, card });
    }
    ok(await host.startRound(gameId), "start");
    const drawn: number[] = [];
    let previous: Holder[] = [];
    for (let i = 0; i < 75; i++) {
      drawn.push(ok(await host.draw(gameId), "draw").ball);
      const completing = holders.filter(({ card }) => isComplete(card.grid, "line", drawn) && !isComplete(card.grid, "line", drawn.slice(0, -1)));
      for (const earlier of previous) {
        const later = completing.find((h) => h.node !== earlier.node);
        if (later) return { host, gameId, earlier, later, j: drawn.length - 2 };
      }
      previous = completing;
    }
    throw new Error("no line completed on two consecutive balls on different nodes");
  }

  async function recordOf(gameId: string): Promise<PublicRecord> {
    const response = await fetch(`${nodes[1].url}/api/games/${gameId}/record`);
    expect(response.status).toBe(200);
    return publicRecordSchema.parse(await response.json());
  }

  test.each([
    ["the earlier ball's call arrives first", false, "sub" as const],
    ["the later ball's call arrives first", true, "salted-hash" as const],
  ])("a valid call on the later ball is OK with its own ball when %s; the earlier ball takes the prize", async (_case, laterFirst, recordIds) => {
    const { host, gameId, earlier, later, j } = await consecutiveLines(`order-${String(laterFirst)}-${Date.now()}`, recordIds);
    const answers = new Map<Holder, unknown>();
    for (const holder of laterFirst ? [later, earlier] : [earlier, later]) {
      answers.set(holder, await holder.client.callBingo(gameId, holder.card.id));
    }
    expect(answers.get(earlier)).toEqual({ ok: true, pattern: "line", ballIndex: j });
    expect(answers.get(later)).toEqual({ ok: true, pattern: "line", ballIndex: j + 1 });

    // The award is pending (the grace is long): ending the game makes it at once.
    const ended = ok(await host.endGame(gameId), "end");
    expect(ended.results).toEqual([{ pattern: "line", ballIndex: j, winners: [{ playerId: earlier.sub, cardId: earlier.card.id }], winnerCount: 1, prizeEach: 1000, remainder: 0 }]);

    const record = await recordOf(gameId);
    expect(verifyRecord(record)).toEqual({ ok: true });
    const idOf = (sub: string) => (recordIds === "sub" ? sub : recordIdOf(record.seed, sub));
    expect(record.recordIds).toBe(recordIds);
    expect(record.graceMs).toBe(GRACE_MS);
    expect(record.awards[0].winners).toEqual([{ playerId: idOf(earlier.sub), cardId: earlier.card.id }]);
    const calls = [
      { pattern: 0, ballIndex: j, auto: false, cards: [{ playerId: idOf(earlier.sub), cardId: earlier.card.id }] },
      { pattern: 0, ballIndex: j + 1, auto: false, cards: [{ playerId: idOf(later.sub), cardId: later.card.id }] },
    ];
    expect(record.calls.map(({ pattern, ballIndex, auto, cards }) => ({ pattern, ballIndex, auto, cards }))).toEqual(laterFirst ? calls.reverse() : calls);
    if (recordIds === "salted-hash") expect(JSON.stringify(record)).not.toContain(earlier.sub);
  }, 120_000);
});
