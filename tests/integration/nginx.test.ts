import { DEFAULT_AWARD_WINNERS_SHOWN } from "../../shared/protocol";
import { noticeOf } from "../../shared/game/award-notice";
import { get } from "node:http";
import type { BingoClientOptions } from "../../shared/client";
import { BingoClient } from "../../shared/client";
import type { Card, FinishedMessage, WinnersMessage } from "../../shared/protocol";
import { publicRecordSchema } from "../../shared/protocol";
import { verifyRecord } from "../../server/domain/game-record";
import { ok } from "../support/acks";
import { firstCompleters } from "../support/awards";
import { inPlayFrom } from "../../server/domain/record-calls";
import { slotsReach } from "../support/events";
import type { TestNginx } from "../support/nginx";
import { startNginx } from "../support/nginx";
import type { NodeProcess } from "../support/node-process";
import { startNodeProcess } from "../support/node-process";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import { TEST_SECRET, tokenFor } from "../support/test-app";

// Two server processes on one private Redis behind a private nginx running the shipped
// deploy/nginx/bingo.conf.template. Every client reaches the nodes only through nginx.

let redis: TestRedis;
let nodes: NodeProcess[] = [];
let upstreams: string[] = [];
let nginx: TestNginx;
const clients: BingoClient[] = [];

beforeAll(async () => {
  redis = await startRedis();
  const env = { REDIS_URL: redis.url, AUTH_SECRET: TEST_SECRET, TICK_MS: "20", CLAIM_GRACE_MS: "250" };
  nodes = await Promise.all([0, 1].map((n) => startNodeProcess({ ...env, NODE_ID: `behind-nginx-${n}` })));
  upstreams = nodes.map((node) => new URL(node.url).host);
  nginx = await startNginx(upstreams);
});

afterAll(async () => {
  for (const client of clients) client.close();
  await nginx?.stop();
  await Promise.all(nodes.map((node) => node.stop()));
  await redis?.stop();
});

/**
 * Clients come from their own loopback addresses (127.0.<n>.1, all on `lo`), so nginx's
 * hash on the client address spreads them over the nodes as it would spread real players.
 */
const sourceAddress = (n: number): string => `127.0.${n}.1`;

/** engine.io-client passes `localAddress` on to `ws` in Node but does not declare it. */
type NodeSocketOptions = NonNullable<BingoClientOptions["socketOptions"]> & { localAddress: string };

async function connect(address: string, sub: string, role: "player" | "host"): Promise<BingoClient> {
  const socketOptions: NodeSocketOptions = { localAddress: address };
  const client = await BingoClient.connect({ url: nginx.url, token: tokenFor(sub, role), ackTimeoutMs: 20_000, retries: 2, socketOptions });
  clients.push(client);
  return client;
}

/** A GET through nginx from the given source address. */
function getFrom(address: string, path: string): Promise<{ status: number; type: string | undefined; body: string }> {
  const { hostname, port } = new URL(nginx.url);
  return new Promise((resolve, reject) => {
    get({ host: hostname, port, path, localAddress: address }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"], body }));
    }).on("error", reject);
  });
}

/** The node nginx sent a request to, by its own access log ("host:port" of one upstream). */
function nodeOf(upstream: string): number {
  const node = upstreams.indexOf(upstream);
  if (node < 0) throw new Error(`upstream ${upstream} is not one node (${upstreams.join(", ")})`);
  return node;
}

/** Which node nginx routes a client from `address` to: one plain request, then its log line. */
async function routeOf(address: string): Promise<number> {
  const path = `/healthz?probe=${address}`;
  expect((await getFrom(address, path)).status).toBe(200);
  const line = await nginx.logLine((l) => l.remote === address && l.request === `GET ${path} HTTP/1.1`);
  return nodeOf(line.upstream);
}

interface Player {
  readonly sub: string;
  readonly address: string;
  /** The node this player's address is routed to, found before it connected. */
  readonly node: number;
  readonly client: BingoClient;
  readonly winners: WinnersMessage[];
  readonly finished: Promise<FinishedMessage>;
  cards: readonly Card[];
}

const PLAYERS_PER_NODE = 3;

test("a whole game through nginx: WebSockets spread over both nodes and stay on them, winners verified, record fetched", async () => {
  // Addresses for the host and PLAYERS_PER_NODE players on each node.
  const byNode: string[][] = [[], []];
  const hostAddress = sourceAddress(1);
  await routeOf(hostAddress);
  for (let n = 2; n < 200 && byNode.some((list) => list.length < PLAYERS_PER_NODE); n++) {
    const address = sourceAddress(n);
    byNode[await routeOf(address)].push(address);
  }
  expect(byNode.map((list) => list.length >= PLAYERS_PER_NODE)).toEqual([true, true]);

  const host = await connect(hostAddress, "nginx-host", "host");
  const created = ok(await host.createGame({ title: "Through nginx", variant: 75, prizes: [1001, 5000] }), "create");
  const gameId = created.gameId;
  ok(await host.join(gameId), "host join");

  const players: Player[] = await Promise.all(
    byNode.flatMap((addresses, node) =>
      addresses.slice(0, PLAYERS_PER_NODE).map(async (address, k): Promise<Player> => {
        const sub = `nginx-player-${node}-${k}`;
        const client = await connect(address, sub, "player");
        const winners: WinnersMessage[] = [];
        client.socket.on("winners", (message) => winners.push(message));
        const finished = new Promise<FinishedMessage>((resolve) => client.socket.on("game:finished", resolve));
        expect(ok(await client.join(gameId), "join").game.phase).toBe("lobby");
        return { sub, address, node, client, winners, finished, cards: [] };
      }),
    ),
  );

  // Everyone asks for 3; the limit is 2 and there are exactly enough slots for that.
  const totalSlots = 2 * players.length;
  ok(await host.openClaims({ gameId, totalSlots, maxPerPlayer: 2 }), "open");
  await Promise.all(players.map(async (player) => (player.cards = ok(await player.client.claim(gameId, 3), "claim").cards)));
  for (const player of players) expect(player.cards).toHaveLength(2);
  const cardIds = players.flatMap((player) => player.cards.map((card) => card.id)).sort((a, b) => a - b);
  expect(cardIds).toEqual(Array.from({ length: totalSlots }, (_, i) => i + 1));
  // Every player, on either node, learns that the claims on both nodes took every slot.
  await Promise.all(players.map((player) => slotsReach(player.client, gameId, (slots) => slots.remaining === 0)));

  const finished = new Promise<FinishedMessage>((resolve) => host.socket.on("game:finished", resolve));
  ok(await host.startRound(gameId), "start");
  for (let i = 0; i < 75; i++) {
    const drawn = await host.draw(gameId);
    if (drawn.ok) continue;
    expect(drawn.error.code).toBe("WRONG_PHASE"); // the last prize was awarded: the game finished
    break;
  }
  const end = await finished;

  const response = await fetch(`${nginx.url}/api/games/${gameId}/record`);
  expect(response.status).toBe(200);
  const record = publicRecordSchema.parse(await response.json());
  expect(verifyRecord(record)).toEqual({ ok: true });
  expect(record.commitment).toBe(created.commitment);
  expect(end.seed).toBe(record.seed);
  // Each award as clients get it: its first winners (the default AWARD_WINNERS_SHOWN) and their count.
  expect(end.results).toEqual(record.awards.map((award) => noticeOf(award, DEFAULT_AWARD_WINNERS_SHOWN)));

  // Auto-claim was on for everyone: the server called for exactly the first completers.
  const sold = players.flatMap((player) => player.cards.map((card) => ({ playerId: player.sub, card })));
  expect(record.awards.map((award) => award.pattern)).toEqual(["line", "full-house"]);
  // The host draws every ball at once, so a pattern may come into play after the last one:
  // a card already complete then counts on the ball it came into play (inPlayFrom).
  const from = inPlayFrom(record);
  record.awards.forEach((award, i) => {
    expect({ ballIndex: award.ballIndex, winners: award.winners }).toEqual(firstCompleters(sold, award.pattern, record.draws, from[i]));
  });
  const announced = record.awards.map(({ pattern, ballIndex, winners, prizeEach }) => ({ pattern, ballIndex, winners, prizeEach }));
  for (const player of players) {
    expect((await player.finished).seed).toBe(record.seed);
    expect(player.winners.map(({ pattern, ballIndex, winners, prizeEach }) => ({ pattern, ballIndex, winners, prizeEach }))).toEqual(announced);
  }

  // nginx logs a WebSocket when it closes: each player's socket was held by the node its
  // address was routed to before it connected (sticky), and both nodes held players.
  for (const player of players) player.client.close();
  const held = await Promise.all(
    players.map(async (player) => {
      const line = await nginx.logLine(
        (l) => l.remote === player.address && l.status === 101 && /^GET \/socket\.io\/\?.*transport=websocket/.test(l.request),
      );
      return nodeOf(line.upstream);
    }),
  );
  expect(held).toEqual(players.map((player) => player.node));
  expect(new Set(held)).toEqual(new Set([0, 1]));
}, 120_000);

test("nginx serves the HTTP routes and the web clients of the nodes", async () => {
  const address = sourceAddress(1);
  expect(await getFrom(address, "/healthz")).toMatchObject({ status: 200, body: '{"ok":true}' });
  expect(await getFrom(address, "/readyz")).toMatchObject({ status: 200, body: '{"ok":true}' });
  expect(await getFrom(address, "/api/games/no-such-game/record")).toMatchObject({ status: 404 });
  for (const page of ["/", "/host", "/play/some-game", "/screen/some-game"]) {
    const reply = await getFrom(address, page);
    expect(reply).toMatchObject({ status: 200, type: "text/html; charset=utf-8" });
    // The player page is an ES module (its Firebase chunk loads on demand); the others are classic scripts.
    expect(reply.body).toMatch(/<script (?:type="module" )?src="\/assets\//);
  }
  for (const asset of ["/assets/player.js", "/assets/host.js", "/assets/screen.js", "/assets/styles.css", "/push-sw.js"]) {
    expect((await getFrom(address, asset)).status).toBe(200);
  }
});
