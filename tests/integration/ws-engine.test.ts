import { Writable } from "node:stream";
import pino from "pino";
import { WebSocket } from "ws";
import { WS_ENGINES, chooseWsEngine } from "../../server/transport/ws-engine";
import type { WsEngineName } from "../../server/transport/ws-engine";
import { ok } from "../support/acks";
import { nextEvent } from "../support/events";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";

/**
 * WS_ENGINE on real sockets: each engine runs the game's flows across two nodes on one
 * Redis, or, where it cannot be loaded on this machine and Node line, the node warns and
 * serves through ws. What is expected is computed as the server decides it
 * (chooseWsEngine), so the test asserts the truth of the line it runs on, never nothing.
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

const WARN = 40;

describe.each(WS_ENGINES.map((name) => [name, chooseWsEngine(name)] as const))("WS_ENGINE=%s", (name: WsEngineName, expected) => {
  const logs = [new LogLines(), new LogLines()];
  let nodes: TestApp[] = [];

  beforeAll(async () => {
    nodes = await Promise.all(logs.map((log) => startTestApp({ redisUrl: redis.url, config: { wsEngine: name }, log: pino({ level: "info" }, log) })));
  });
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  });

  test(`the node runs ${expected.running}${expected.fallback ? " (the wanted engine cannot load here)" : ""}, says so in its log and on /metrics`, async () => {
    for (const [i, node] of nodes.entries()) {
      expect(node.wsEngine.running).toBe(expected.running);
      const metrics = await (await fetch(`${node.url}/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`^bingo_ws_engine\\{engine="${expected.running}",node="[^"]+"\\} 1$`, "m"));
      const said = logs[i].lines.filter((line) => "wsEngine" in line || "wanted" in line);
      if (expected.fallback) {
        // The fallback is warned about once per node, with why.
        expect(said).toEqual([expect.objectContaining({ level: WARN, wanted: name, running: expected.running, reason: expected.fallback })]);
      } else {
        expect(said).toEqual([expect.objectContaining({ level: 30, wsEngine: expected.running })]);
      }
    }
  });

  test("join, claim and draw flow over the engine's sockets, across both nodes", async () => {
    const host = await nodes[0].client(`host-${name}`, "host");
    const { gameId } = ok(await host.createGame({ title: `engine ${name}` }), "create");
    ok(await host.join(gameId), "host join");
    const players = await Promise.all([0, 1, 2, 3].map((i) => nodes[i % 2].client(`p-${name}-${i}`, "player")));
    for (const player of players) ok(await player.join(gameId), "join");

    // The sockets really are written by the engine that runs: ws's WebSocket, or not.
    for (const node of nodes) {
      for (const socket of node.io.of("/").sockets.values()) {
        const transportSocket = (socket.conn as unknown as { transport: { socket: unknown } }).transport.socket;
        expect(transportSocket instanceof WebSocket).toBe(expected.running !== "eiows");
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
