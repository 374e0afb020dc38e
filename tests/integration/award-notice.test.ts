import type { BingoClient } from "../../shared/client";
import { BingoClient as Client } from "../../shared/client";
import type { Card, FinishedMessage, PlayerWin, WinnersMessage, WonMessage } from "../../shared/protocol";
import { publicRecordSchema } from "../../shared/protocol";
import { isComplete } from "../../server/domain/patterns";
import { ok } from "../support/acks";
import { nextEvent, within } from "../support/events";
import type { NodeProcess } from "../support/node-process";
import { startNodeProcess } from "../support/node-process";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import { TEST_SECRET, tokenFor } from "../support/test-app";

/**
 * Issue 15: an award's room message lists only its first AWARD_WINNERS_SHOWN winners (here
 * 0, so the list is always cut) and counts them all; each winning player's own sockets get
 * `bingo:won` with their cards first, on whichever node they are; a join's snapshot says the
 * joiner's wins. Two node processes on one Redis, real sockets.
 */

const PLAYERS = 16;
const CARDS_EACH = 6;
/** Long enough that the award waits for the host's round:end, which makes it at once. */
const GRACE_MS = 60_000;
const PRIZE = 1_000;

type Heard = ["bingo:won", WonMessage] | ["winners", WinnersMessage] | ["game:finished", FinishedMessage];

describe("an award's winners, counted for the room and told to each winner", () => {
  let redis: TestRedis;
  let nodes: NodeProcess[] = [];
  const clients: BingoClient[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, AUTH_SECRET: TEST_SECRET, TICK_MS: "20", CLAIM_GRACE_MS: String(GRACE_MS), AWARD_WINNERS_SHOWN: "0" };
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

  test("the room gets the count, each winner their own cards first, a late join its wins", async () => {
    const host = await connect(0, "award-host", "host");
    const { gameId } = ok(await host.createGame({ title: "Counted winners", prizes: [PRIZE, 0] }), "create");
    ok(await host.join(gameId), "host join");
    // Every player has a socket on each node: whichever node makes the award, a winner is
    // told both by that node (its own sockets) and by the other (through the adapter).
    const players = await Promise.all(
      Array.from({ length: PLAYERS }, async (_, n) => {
        const sub = `award-player-${n}`;
        const sockets = await Promise.all(
          [0, 1].map(async (node) => {
            const client = await connect(node, sub, "player");
            ok(await client.join(gameId), "join");
            const heard: Heard[] = [];
            client.socket.on("bingo:won", (m) => heard.push(["bingo:won", m]));
            client.socket.on("winners", (m) => heard.push(["winners", m]));
            client.socket.on("game:finished", (m) => heard.push(["game:finished", m]));
            return { client, heard };
          }),
        );
        return { sub, sockets, cards: [] as Card[] };
      }),
    );
    ok(await host.openClaims({ gameId, totalSlots: PLAYERS * CARDS_EACH, maxPerPlayer: CARDS_EACH }), "open");
    for (const player of players) player.cards.push(...ok(await player.sockets[0].client.claim(gameId, CARDS_EACH), "claim").cards);
    ok(await host.startRound(gameId), "start");

    // Auto-claim is on: the server calls for every card the moment it completes a line.
    const drawn: number[] = [];
    let completing: { sub: string; cardId: number }[] = [];
    while (completing.length === 0) {
      drawn.push(ok(await host.draw(gameId), "draw").ball);
      completing = players.flatMap(({ sub, cards }) => cards.filter((card) => isComplete(card.grid, "line", drawn)).map((card) => ({ sub, cardId: card.id })));
    }
    const calls: string[] = [];
    const allCalled = new Promise<void>((resolve) =>
      host.socket.on("bingo:called", (m) => {
        calls.push(`${m.playerId}#${m.cardId}`);
        if (calls.length === completing.length) resolve();
      }),
    );
    await within(allCalled, `${completing.length} auto-claimed calls`);

    const finished = players.flatMap(({ sockets }) => sockets.map(({ client }) => nextEvent(client.socket, "game:finished", (m) => m.gameId === gameId)));
    const ended = ok(await host.endGame(gameId), "round:end");
    const prizeEach = Math.floor(PRIZE / completing.length);
    expect(ended.results).toEqual([{ pattern: "line", ballIndex: drawn.length - 1, winners: [], winnerCount: completing.length, prizeEach, remainder: PRIZE - prizeEach * completing.length }]);
    await Promise.all(finished);

    // The record lists every winner: the ones the room was only told the number of.
    const record = publicRecordSchema.parse(await (await fetch(`${nodes[1].url}/api/games/${gameId}/record`)).json());
    expect(record.awards[0].winners.map((w) => `${w.playerId}#${w.cardId}`).sort()).toEqual(completing.map((c) => `${c.sub}#${c.cardId}`).sort());

    for (const { sub, heard } of players.flatMap(({ sub, sockets }) => sockets.map(({ heard }) => ({ sub, heard })))) {
      const mine = completing.filter((c) => c.sub === sub).map((c) => c.cardId);
      const kinds = heard.map(([kind]) => kind);
      expect(kinds).toEqual([...(mine.length > 0 ? ["bingo:won"] : []), "winners", "game:finished"]);
      const winners = heard.find(([kind]) => kind === "winners")![1] as WinnersMessage;
      expect(winners).toEqual({ gameId, pattern: "line", ballIndex: drawn.length - 1, winners: [], winnerCount: completing.length, prizeEach, version: winners.version });
      const results = (heard.find(([kind]) => kind === "game:finished")![1] as FinishedMessage).results;
      expect(results.map((r) => [r.winners.length, r.winnerCount])).toEqual([[0, completing.length]]);
      if (mine.length > 0) {
        const won = heard[0][1] as WonMessage;
        expect(won).toEqual({ gameId, pattern: "line", ballIndex: drawn.length - 1, cardIds: [...mine].sort((a, b) => a - b), prizeEach, version: winners.version });
      }
    }

    // A join after the award: the snapshot counts the winners and names the joiner's own wins.
    for (const { sub } of players) {
      const again = await connect(0, sub, "player");
      const game = ok(await again.join(gameId), "join again").game;
      const expected: PlayerWin[] = completing.filter((c) => c.sub === sub).map((c) => ({ pattern: "line", cardId: c.cardId, prizeEach }));
      expect(game.myWins).toEqual(expected);
      expect(game.round.awards.map((a) => [a.winners.length, a.winnerCount])).toEqual([[0, completing.length]]);
      again.close();
    }
  });
});
