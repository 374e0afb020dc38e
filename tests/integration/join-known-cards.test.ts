import { createServer } from "node:http";
import type { Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { BingoClient } from "../../shared/client";
import type { Card, GameSnapshot } from "../../shared/protocol";
import { ok } from "../support/acks";
import { request } from "../support/fuzz";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";

/**
 * `game:join`'s `knownCards`: a client names the cards whose grids it holds, and the
 * answer lists those cards without their grids (a card's grid never changes). The SDK
 * names what it holds and hands its caller whole cards. Real sockets, on the embedded
 * store and on Redis.
 */

/** The `game:join` acks this client received, as they came over the wire (before the SDK filled anything in). */
function joinAcksOf(client: BingoClient): { myCards: { id: number; grid?: unknown }[] }[] {
  const acks: { myCards: { id: number; grid?: unknown }[] }[] = [];
  client.socket.io.on("packet", (packet: { type: number; data?: unknown[] }) => {
    // The last argument: socket.io-client's ack timeout puts its error argument (null) before it.
    const body = packet.type === 3 ? (packet.data?.at(-1) as { game?: { myCards?: { id: number; grid?: unknown }[] } } | undefined) : undefined;
    if (body?.game?.myCards) acks.push({ myCards: body.game.myCards });
  });
  return acks;
}

const byId = (cards: readonly Card[]): readonly Card[] => [...cards].sort((a, b) => a.id - b.id);

describe.each([
  ["the embedded store", false],
  ["Redis", true],
])("game:join with knownCards on %s", (_name, onRedis) => {
  let redis: TestRedis | undefined;
  let app: TestApp;
  beforeAll(async () => {
    redis = onRedis ? await startRedis() : undefined;
    app = await startTestApp(redis ? { redisUrl: redis.url } : {});
  });
  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  async function gameWithCards(prefix: string): Promise<{ gameId: string; player: BingoClient; mine: readonly Card[]; theirs: readonly Card[] }> {
    const host = await app.client(`${prefix}-host`, "host");
    const { gameId } = ok(await host.createGame({}), "create");
    ok(await host.openClaims({ gameId, totalSlots: 10, maxPerPlayer: 3 }), "open");
    const player = await app.client(`${prefix}-player`, "player");
    const other = await app.client(`${prefix}-other`, "player");
    const mine = byId(ok(await player.claim(gameId, 3), "claim").cards);
    const theirs = ok(await other.claim(gameId, 1), "other claim").cards;
    return { gameId, player, mine, theirs };
  }

  test("the cards named come without their grids, the others with theirs; a card not the player's stays out", async () => {
    const { gameId, player, mine, theirs } = await gameWithCards(`kc-raw-${onRedis}`);
    const [a, b, c] = mine;
    const joined = ok(await request(player, "game:join", { gameId, knownCards: [a.id, c.id, theirs[0].id, 9_999] }), "join");
    expect(joined.game.myCards).toEqual([{ id: a.id }, { id: b.id, grid: b.grid }, { id: c.id }]);
    // Without knownCards (an SDK that predates it), every grid as before.
    const plain = ok(await request(player, "game:join", { gameId }), "plain join");
    expect(plain.game.myCards).toEqual(mine);
    // An empty list is the same as none.
    expect(ok(await request(player, "game:join", { gameId, knownCards: [] }), "empty").game.myCards).toEqual(mine);
  });

  test("the SDK names the grids it holds and hands out whole cards, on join and on the resync after a reconnect", async () => {
    const { gameId, player, mine } = await gameWithCards(`kc-sdk-${onRedis}`);
    const wire = joinAcksOf(player);

    // It holds the three grids from its claim: the answer leaves them out, join() fills them in.
    const joined = ok(await player.join(gameId), "join");
    expect(byId(joined.game.myCards)).toEqual(mine);
    expect(wire).toHaveLength(1);
    expect(wire[0].myCards.map((card) => card.id).sort((x, y) => x - y)).toEqual(mine.map((card) => card.id));
    expect(wire[0].myCards.filter((card) => card.grid !== undefined)).toEqual([]);

    // The transport drops; socket.io-client reconnects and the SDK joins again by itself.
    const resynced = new Promise<GameSnapshot>((resolve) => player.onResync(resolve));
    player.socket.io.engine.close();
    const game = await resynced;
    expect(byId(game.myCards)).toEqual(mine);
    expect(wire).toHaveLength(2);
    expect(wire[1].myCards.filter((card) => card.grid !== undefined)).toEqual([]);
  });

  test("a fresh SDK (nothing held) gets every grid, and holds them for its next join", async () => {
    const { gameId, mine } = await gameWithCards(`kc-fresh-${onRedis}`);
    // The same player on a new device: it holds no grid yet.
    const device = await app.client(`kc-fresh-${onRedis}-player`, "player");
    const wire = joinAcksOf(device);
    expect(byId(ok(await device.join(gameId), "first join").game.myCards)).toEqual(mine);
    expect(wire[0].myCards.filter((card) => card.grid === undefined)).toEqual([]);
    expect(byId(ok(await device.join(gameId), "second join").game.myCards)).toEqual(mine);
    expect(wire[1].myCards.filter((card) => card.grid !== undefined)).toEqual([]);
  });
});

describe("the SDK against a server that leaves out a grid it was not told of", () => {
  let http: HttpServer;
  let io: Server;
  let url: string;
  beforeAll(async () => {
    http = createServer();
    io = new Server(http, { transports: ["websocket"] });
    io.on("connection", (socket) => {
      socket.on("game:join", ({ gameId }: { gameId: string }, ack: (answer: unknown) => void) => {
        const game = { id: gameId, myCards: [{ id: 1 }], round: { draws: [] }, slots: { total: 1, remaining: 0, version: 1 }, next: null };
        ack({ ok: true, game });
      });
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await io.close();
  });

  test("join answers INTERNAL instead of a card without its grid", async () => {
    const client = await BingoClient.connect({ url, token: "t" });
    try {
      const joined = await client.join("GAME1");
      expect(joined).toEqual({ ok: false, error: expect.objectContaining({ code: "INTERNAL" }) });
    } finally {
      client.close();
    }
  });
});
