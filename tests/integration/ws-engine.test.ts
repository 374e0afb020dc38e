import { Writable } from "node:stream";
import pino from "pino";
import { WebSocket } from "ws";
import { JsonTextEncoder } from "../../server/transport/text-parser";
import { runningWsEngine } from "../../server/transport/ws-engine";
import { ok } from "../support/acks";
import { nextEvent } from "../support/events";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";

/**
 * The WebSocket engine a node reports (log line, /metrics), on real sockets across two nodes
 * on one Redis: `ws`, or `ws-native` where bufferutil is installed (computed as the server
 * does, so the test asserts what runs on this machine), and the game's flows over it, every
 * packet encoded by the server's text encoder (server/transport/text-parser.ts).
 */

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

/** The JSON lines a node logs. */
class LogLines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const raw of chunk.toString("utf8").split("\n")) if (raw) this.lines.push(JSON.parse(raw) as Record<string, unknown>);
    done();
  }
}

const INFO = 30;
const name = runningWsEngine();

describe(`the ${name} engine`, () => {
  const logs = [new LogLines(), new LogLines()];
  let nodes: TestApp[] = [];

  beforeAll(async () => {
    nodes = await Promise.all(logs.map((log) => startTestApp({ redisUrl: redis.url, log: pino({ level: "info" }, log) })));
  });
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  });

  test(`the node runs ${name}, says so once in its log and on /metrics`, async () => {
    for (const [i, node] of nodes.entries()) {
      expect(node.wsEngine).toBe(name);
      const metrics = await (await fetch(`${node.url}/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`^bingo_ws_engine\\{engine="${name}",node="[^"]+"\\} 1$`, "m"));
      const said = logs[i].lines.filter((line) => "wsEngine" in line);
      expect(said).toEqual([expect.objectContaining({ level: INFO, wsEngine: name })]);
    }
  });

  test("join, claim and draw flow over the engine's sockets, across both nodes", async () => {
    const host = await nodes[0].client(`host-${name}`, "host");
    const { gameId } = ok(await host.createGame({ title: `engine ${name}` }), "create");
    ok(await host.join(gameId), "host join");
    const players = await Promise.all([0, 1, 2, 3].map((i) => nodes[i % 2].client(`p-${name}-${i}`, "player")));
    for (const player of players) ok(await player.join(gameId), "join");

    // The sockets really are written by ws's WebSocket, and every packet (acks, the room's
    // broadcasts, the other node's through the adapter) by the server's text encoder.
    for (const node of nodes) {
      expect(node.io.encoder).toBeInstanceOf(JsonTextEncoder);
      for (const socket of node.io.of("/").sockets.values()) {
        const transportSocket = (socket.conn as unknown as { transport: { socket: unknown } }).transport.socket;
        expect(transportSocket).toBeInstanceOf(WebSocket);
      }
    }

    ok(await host.openClaims({ gameId, totalSlots: 6, maxPerPlayer: 2 }), "open");
    const claimed = await Promise.all(players.map((player) => player.claim(gameId, 2)));
    const granted = claimed.filter((ack) => ack.ok).flatMap((ack) => ok(ack, "claim").cards);
    expect(granted).toHaveLength(6);
    expect(new Set(granted.map((card) => card.id)).size).toBe(6);
    expect(claimed.filter((ack) => !ack.ok).map((ack) => !ack.ok && ack.error.code)).toEqual(["SOLD_OUT"]);

    ok(await host.startRound(gameId), "start");
    const heard = players.map((player) => nextEvent(player.socket, "draw"));
    const drawn = ok(await host.draw(gameId), "draw");
    for (const message of await Promise.all(heard)) expect(message).toMatchObject({ gameId, index: drawn.index, ball: drawn.ball });
  });
});
