import { createServer } from "node:http";
import type { Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import type { Socket } from "socket.io-client";
import type { CallAnswer, ClaimAnswer } from "../../scripts/loadtest/settled-request";
import { OUTCOME_RETRIES, settledRequest } from "../../scripts/loadtest/settled-request";

/**
 * The load generator settles a claim (or a bingo call) answered OUTCOME_UNKNOWN as the SDK does, by sending
 * it again with the same requestId, so the cards it records are the ones the store granted.
 * A bare Socket.IO server answers each requestId from a script and records what it got.
 */
describe("the load generator's requests under OUTCOME_UNKNOWN", () => {
  let http: HttpServer;
  let io: Server;
  let client: Socket;
  const scripts = new Map<string, string[]>();
  const received: { requestId: string; count: number }[] = [];
  const granted = { ok: true, cards: [{ id: 7, grid: [[1]] }] };

  beforeAll(async () => {
    http = createServer();
    io = new Server(http, { transports: ["websocket"] });
    io.on("connection", (socket) => {
      socket.on("cards:claim", (payload: { requestId: string; count: number }, ack: (answer: unknown) => void) => {
        received.push({ requestId: payload.requestId, count: payload.count });
        const code = scripts.get(payload.requestId)?.shift();
        ack(code === undefined ? granted : { ok: false, error: { code } });
      });
      socket.on("bingo:call", (payload: { requestId: string }, ack: (answer: unknown) => void) => {
        received.push({ requestId: payload.requestId, count: 0 });
        const code = scripts.get(payload.requestId)?.shift();
        ack(code === undefined ? { ok: true, ballIndex: 4 } : { ok: false, error: { code } });
      });
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ["websocket"] });
    await new Promise<void>((resolve) => client.once("connect", () => resolve()));
  });
  afterAll(async () => {
    client.close();
    await io.close();
  });
  beforeEach(() => {
    received.length = 0;
  });

  const claim = (requestId: string, codes: string[]) => {
    scripts.set(requestId, codes);
    return settledRequest<ClaimAnswer>(client, "cards:claim", { gameId: "G", count: 1, requestId }, 1);
  };

  test("an OUTCOME_UNKNOWN is sent again with the same requestId until it settles, and is reported as settled", async () => {
    const result = await claim("r1", ["OUTCOME_UNKNOWN", "OUTCOME_UNKNOWN"]);
    expect(result).toEqual({ answer: granted, unknown: true });
    expect(received).toEqual([1, 2, 3].map(() => ({ requestId: "r1", count: 1 })));
  });

  test("after an OUTCOME_UNKNOWN, UNAVAILABLE and RATE_LIMITED settle nothing and are repeated too", async () => {
    const result = await claim("r2", ["OUTCOME_UNKNOWN", "UNAVAILABLE", "RATE_LIMITED"]);
    expect(result).toEqual({ answer: granted, unknown: true });
    expect(received).toHaveLength(4);
  });

  test("a definitive refusal is the answer, sent once; UNAVAILABLE without an earlier unknown is not repeated", async () => {
    expect(await claim("r3", ["SOLD_OUT"])).toEqual({ answer: { ok: false, error: { code: "SOLD_OUT" } }, unknown: false });
    expect(await claim("r4", ["UNAVAILABLE"])).toEqual({ answer: { ok: false, error: { code: "UNAVAILABLE" } }, unknown: false });
    expect(await claim("r5", ["OUTCOME_UNKNOWN", "SOLD_OUT"])).toEqual({ answer: { ok: false, error: { code: "SOLD_OUT" } }, unknown: true });
    expect(received.map((r) => r.requestId)).toEqual(["r3", "r4", "r5", "r5"]);
  });

  test("the repeats are bounded: an outcome that never settles stays OUTCOME_UNKNOWN", async () => {
    const result = await claim("r6", Array.from({ length: OUTCOME_RETRIES + 3 }, () => "OUTCOME_UNKNOWN"));
    expect(result).toEqual({ answer: { ok: false, error: { code: "OUTCOME_UNKNOWN" } }, unknown: true });
    expect(received).toHaveLength(1 + OUTCOME_RETRIES);
  });

  test("a bingo call is settled the same way, with its own event and requestId", async () => {
    scripts.set("c1", ["OUTCOME_UNKNOWN", "UNAVAILABLE"]);
    const result = await settledRequest<CallAnswer>(client, "bingo:call", { gameId: "G", cardId: 3, requestId: "c1" }, 1);
    expect(result).toEqual({ answer: { ok: true, ballIndex: 4 }, unknown: true });
    expect(received).toEqual([0, 1, 2].map(() => ({ requestId: "c1", count: 0 })));
  });
});
