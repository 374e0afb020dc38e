import { DEFAULT_AWARD_WINNERS_SHOWN } from "../../shared/protocol";
import { noticeOf } from "../../shared/game/award-notice";
import type { BingoClient } from "../../shared/client";
import { ok } from "../support/acks";
import { BingoClient as Client } from "../../shared/client";
import type { Card, FinishedMessage, PatternName, PublicRecord, WinnersMessage } from "../../shared/protocol";
import { publicRecordSchema } from "../../shared/protocol";
import { verifyRecord } from "../../server/domain/game-record";
import { inPlayFrom } from "../../server/domain/record-calls";
import { isComplete } from "../../server/domain/patterns";
import { firstCompleters } from "../support/awards";
import type { NodeProcess } from "../support/node-process";
import { startNodeProcess } from "../support/node-process";
import type { RedisDeployment } from "../support/redis-deployments";
import { REDIS_DEPLOYMENTS } from "../support/redis-deployments";
import { TEST_SECRET, tokenFor } from "../support/test-app";

describe.each(REDIS_DEPLOYMENTS)("on %s", (_name, startDeployment) => {
  let redis: RedisDeployment;
  let nodes: NodeProcess[] = [];
  const clients: BingoClient[] = [];

  beforeAll(async () => {
    redis = await startDeployment();
    const env = { ...redis.env, AUTH_SECRET: TEST_SECRET, TICK_MS: "20", CLAIM_GRACE_MS: "250" };
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


  interface Bot {
    readonly sub: string;
    readonly node: number;
    readonly client: BingoClient;
    cards: Card[];
    readonly winners: WinnersMessage[];
    finished?: FinishedMessage;
  }

  async function bots(count: number, gameId: string, prefix: string): Promise<Bot[]> {
    const list: Bot[] = [];
    for (let i = 0; i < count; i += 50) {
      const chunk = await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, async (_, k) => {
          const n = i + k;
          const bot: Bot = { sub: `${prefix}-${n}`, node: n % 2, client: await connect(n % 2, `${prefix}-${n}`, "player"), cards: [], winners: [] };
          bot.client.socket.on("winners", (message) => bot.winners.push(message));
          bot.client.socket.on("game:finished", (message) => (bot.finished = message));
          ok(await bot.client.join(gameId), "join");
          return bot;
        }),
      );
      list.push(...chunk);
    }
    return list;
  }

  async function hostGame(options: { patterns?: PatternName[]; prizes: number[] }) {
    const host = await connect(0, `host-${Math.random()}`, "host");
    const created = ok(await host.createGame({ title: "Full game", variant: 75, ...options }), "create");
    expect(created.commitment).toMatch(/^[0-9a-f]{64}$/);
    ok(await host.join(created.gameId), "host join");
    return { host, gameId: created.gameId, commitment: created.commitment };
  }

  async function fetchRecord(node: number, gameId: string): Promise<PublicRecord> {
    const response = await fetch(`${nodes[node].url}/api/games/${gameId}/record`);
    expect(response.status).toBe(200);
    return publicRecordSchema.parse(await response.json());
  }

  /** Resolves once the client has seen `count` draws of the game. */
  function drawsReach(client: BingoClient, gameId: string, count: number): Promise<void> {
    if (client.draws(gameId).length >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const stop = client.onDraw(() => {
        if (client.draws(gameId).length < count) return;
        stop();
        resolve();
      });
    });
  }

  test("a whole game across 2 nodes: claims, draws, auto-claimed winners, reveal, and a record anyone can verify", async () => {
    const { host, gameId, commitment } = await hostGame({ prizes: [1001, 5000] });
    const players = await bots(200, gameId, "full");
    ok(await host.openClaims({ gameId, totalSlots: 400, maxPerPlayer: 2 }), "open");
    await Promise.all(players.map(async (bot) => (bot.cards = [...ok(await bot.client.claim(gameId, 2), "claim").cards])));

    // Host-only events from a player are refused.
    expect(await players[0].client.request("round:start", { gameId })).toEqual({ ok: false, error: expect.objectContaining({ code: "FORBIDDEN" }) });
    expect(await players[1].client.request("round:draw", { gameId })).toEqual({ ok: false, error: expect.objectContaining({ code: "FORBIDDEN" }) });

    const finished = new Promise<FinishedMessage>((resolve) => host.socket.on("game:finished", resolve));
    ok(await host.startRound(gameId), "start");
    let falseCallChecked = false;
    for (let i = 0; i < 75; i++) {
      const drawn = await host.draw(gameId);
      if (!drawn.ok) {
        expect(drawn.error.code).toBe("WRONG_PHASE"); // the game finished
        break;
      }
      if (!falseCallChecked && drawn.index === 2) {
        // With three balls drawn no line can be complete (a line needs 4 or 5 numbers).
        const bot = players[3];
        expect(await bot.client.callBingo(gameId, bot.cards[0].id)).toEqual({ ok: false, error: { code: "INVALID_CLAIM", message: expect.any(String) } });
        expect(await bot.client.callBingo(gameId, players[4].cards[0].id)).toEqual({ ok: false, error: expect.objectContaining({ code: "FORBIDDEN" }) });
        falseCallChecked = true;
      }
    }
    const end = await finished;
    expect(falseCallChecked).toBe(true);

    const record = await fetchRecord(1, gameId);
    expect(verifyRecord(record)).toEqual({ ok: true });
    expect(record.commitment).toBe(commitment);
    expect(end.seed).toBe(record.seed);
    // Each award as clients get it: its first winners (the default AWARD_WINNERS_SHOWN) and their count.
    expect(end.results).toEqual(record.awards.map((award) => noticeOf(award, DEFAULT_AWARD_WINNERS_SHOWN)));

    // Everyone who completed a pattern on its first possible ball won it, and nobody else:
    // every player had auto-claim on, so the server called for them.
    const sold = players.flatMap((bot) => bot.cards.map((card) => ({ playerId: bot.sub, card })));
    expect(record.awards.map((a) => a.pattern)).toEqual(["line", "full-house"]);
    const from = inPlayFrom(record);
    record.awards.forEach((award, i) => {
      expect({ ballIndex: award.ballIndex, winners: award.winners }).toEqual(firstCompleters(sold, award.pattern, record.draws, from[i]));
    });
    // Every winner's call is in the record, made by the server (auto-claim on for everyone).
    for (const [i, award] of record.awards.entries()) {
      const called = record.calls.filter((e) => e.pattern === i && e.ballIndex === award.ballIndex).flatMap((e) => (e.auto ? e.cards : []));
      expect(called.sort((a, b) => a.cardId - b.cardId)).toEqual(award.winners);
    }
    expect(record.graceMs).toBe(250);
    expect(record.drawnAt).toHaveLength(record.draws.length);
    const [line, full] = record.awards;
    expect(line.prizeEach).toBe(Math.floor(1001 / line.winners.length));
    expect(full.prizeEach).toBe(Math.floor((5000 + line.remainder) / full.winners.length));

    // Every player on either node saw every ball in order, both awards and the reveal.
    await Promise.all(players.map((bot) => drawsReach(bot.client, gameId, record.draws.length)));
    for (const bot of players) {
      expect(bot.client.draws(gameId)).toEqual(record.draws);
      expect(bot.winners.map(({ pattern, ballIndex, winners, prizeEach }) => ({ pattern, ballIndex, winners, prizeEach }))).toEqual(
        record.awards.map(({ pattern, ballIndex, winners, prizeEach }) => ({ pattern, ballIndex, winners, prizeEach })),
      );
    }
    const late = await connect(1, "late-viewer", "player");
    const snapshot = ok(await late.join(gameId), "late join").game;
    expect(snapshot).toMatchObject({ phase: "finished", seed: record.seed, round: { draws: record.draws, awards: record.awards } });
  }, 120_000);

  test("players on different nodes who complete a line on the same ball share the prize; a host can move nodes mid-game", async () => {
    let host = await connect(0, "mover-host", "host");
    const id = ok(await host.createGame({ title: "Shared line", prizes: [1001, 0] }), "create").gameId;
    ok(await host.join(id), "host join");
    const players = await bots(80, id, "share");
    ok(await host.openClaims({ gameId: id, totalSlots: 240, maxPerPlayer: 3 }), "open");
    await Promise.all(players.map(async (bot) => (bot.cards = [...ok(await bot.client.claim(id, 3), "claim").cards])));
    // Manual play: nobody lets the server call for them.
    await Promise.all(players.map(async (bot) => ok(await bot.client.setAutoClaim(id, false), "auto off")));
    ok(await host.startRound(id), "start");

    const drawn: number[] = [];
    let sharers: { bot: Bot; card: Card }[] = [];
    for (let i = 0; i < 75 && sharers.length === 0; i++) {
      if (i === 5) {
        // The host's connection moves to the other node; drawing continues with no gap or repeat.
        host.close();
        host = await connect(1, "mover-host", "host");
        const rejoined = ok(await host.join(id), "host rejoin");
        expect(rejoined.game.round.draws).toEqual(drawn);
      }
      const ball = ok(await host.draw(id), "draw");
      expect(ball.index).toBe(drawn.length);
      drawn.push(ball.ball);
      // Cards completing a line on exactly this ball, owned by players on both nodes. Lines
      // completed before on one node only are not called: those players slept through them.
      const completing = players.flatMap((bot) =>
        bot.cards.filter((card) => isComplete(card.grid, "line", drawn) && !isComplete(card.grid, "line", drawn.slice(0, -1))).map((card) => ({ bot, card })),
      );
      if (new Set(completing.map(({ bot }) => bot.node)).size === 2) sharers = completing;
    }
    expect(sharers.length).toBeGreaterThanOrEqual(2);
    const awarded = new Promise<WinnersMessage>((resolve) => sharers[0].bot.client.socket.on("winners", resolve));
    const calls = await Promise.all(sharers.map(({ bot, card }) => bot.client.callBingo(id, card.id)));
    for (const call of calls) expect(call).toEqual({ ok: true, pattern: "line", ballIndex: drawn.length - 1 });
    ok(await host.draw(id), "next ball closes the window");
    const award = await awarded;
    const expected = sharers.map(({ bot, card }) => ({ playerId: bot.sub, cardId: card.id })).sort((a, b) => a.cardId - b.cardId);
    expect(award).toMatchObject({ pattern: "line", ballIndex: drawn.length - 1, winners: expected, prizeEach: Math.floor(1001 / expected.length) });
  }, 120_000);
});
