import fc from "fast-check";
import { io } from "socket.io-client";
import type { BingoClient } from "../../shared/client";
import type { ClientEvent, JoinSnapshot } from "../../shared/protocol";
import { ok } from "../support/acks";
import type { Emission, Sender } from "../support/garbage";
import { MAX_ATTACHMENTS, attachmentCount, emissionArb, fieldArbs, frameBytes, junkArb, longText, materialize, requiredOutcome } from "../support/garbage";
import type { RawSocket } from "../support/fuzz";
import { emitWithAck, expectServesFreshClients, fuzzParams, fuzzTimeoutMs, privateRedis, prototypeKeys, raw, request, snapshot, watchServerEvents } from "../support/fuzz";
import type { TestApp } from "../support/test-app";
import { startTestApp, tokenFor } from "../support/test-app";
import { ackProblem } from "../support/wire-schemas";

/**
 * Every client event, with arbitrary payloads (valid-ish fields, wrong types, huge strings,
 * binary, prototype-pollution keys, deep nesting), arbitrary argument lists (no ack, ack
 * only, extra arguments, the ack in the wrong place) and unknown event names, from every
 * role, in arbitrary order, over real sockets against the real server on Redis and on the
 * embedded store. Each run must leave the server serving, every ack in the protocol's
 * shape (and a refusal where the gateway must refuse), and games it could not touch unchanged.
 */

/** Games a run may aim at: its own fresh ones, and untouchable ones of a host and player the fuzzer never is. */
interface Targets {
  readonly lobby: string;
  readonly open: string;
  readonly running: string;
  readonly sentinels: readonly string[];
}

const privateRedisUrl = privateRedis();

describe.each([
  ["redis", privateRedisUrl, 25],
  ["embedded (memory)", () => undefined, 15],
])("garbage for every client event, on %s", (_name, redisUrl, runs) => {
  let app: TestApp;
  let clients: Record<Sender, BingoClient>;
  let sentinelHost: BingoClient;
  let sentinelPlayer: BingoClient;
  let sentinels: { lobby: string; running: string };
  let before: JoinSnapshot[];
  let limit: number;
  const shapeProblems: string[] = [];

  const sentinelViews = async (): Promise<JoinSnapshot[]> => [
    await snapshot(sentinelHost, sentinels.lobby),
    await snapshot(sentinelHost, sentinels.running),
    await snapshot(sentinelPlayer, sentinels.running),
  ];

  beforeAll(async () => {
    app = await startTestApp({ redisUrl: redisUrl(), config: { tickMs: 5, claimGraceMs: 50 } });
    limit = (app.io.engine as unknown as { opts: { maxHttpBufferSize: number } }).opts.maxHttpBufferSize;
    clients = {
      host: await app.client("fuzz-host", "host"),
      otherHost: await app.client("fuzz-other-host", "host"),
      player: await app.client("fuzz-player", "player"),
      otherPlayer: await app.client("fuzz-other-player", "player"),
    };
    for (const client of Object.values(clients)) watchServerEvents(raw(client), shapeProblems);
    // Games no fuzzing sender may change: a lobby, and a running round with a drawn ball whose cards another player holds.
    sentinelHost = await app.client("sentinel-host", "host");
    sentinelPlayer = await app.client("sentinel-player", "player");
    const lobby = ok(await request(sentinelHost, "game:create", { title: "Sentinel lobby" }), "create").gameId;
    const running = ok(await request(sentinelHost, "game:create", { title: "Sentinel round", prizes: [100, 200] }), "create").gameId;
    ok(await request(sentinelHost, "claims:open", { gameId: running, totalSlots: 5, maxPerPlayer: 5 }), "open");
    ok(await request(sentinelPlayer, "cards:claim", { gameId: running, count: 5, requestId: "s" }), "claim");
    ok(await request(sentinelHost, "round:start", { gameId: running }), "start");
    ok(await request(sentinelHost, "round:draw", { gameId: running, index: 0 }), "draw");
    sentinels = { lobby, running };
    before = await sentinelViews();
  });
  afterAll(async () => {
    await app.stop();
  });

  /** Fresh games for one run, owned by the fuzzing host: a lobby, an open window, a running round. */
  async function freshTargets(): Promise<Targets> {
    const { host, player } = clients;
    const lobby = ok(await request(host, "game:create", {}), "create").gameId;
    const open = ok(await request(host, "game:create", { variant: 90 }), "create").gameId;
    ok(await request(host, "claims:open", { gameId: open, totalSlots: 40, maxPerPlayer: 5 }), "open");
    const running = ok(await request(host, "game:create", { patterns: ["four-corners", "line"], prizes: [7, 5] }), "create").gameId;
    ok(await request(host, "claims:open", { gameId: running, totalSlots: 20, maxPerPlayer: 5 }), "open");
    ok(await request(player, "cards:claim", { gameId: running, count: 3, requestId: "seed" }), "claim");
    ok(await request(host, "round:start", { gameId: running }), "start");
    return { lobby, open, running, sentinels: [sentinels.lobby, sentinels.running] };
  }

  test("every ack fits the protocol, the gateway refuses what it must, and the server keeps serving", async () => {
    const bigString = longText(Math.floor(limit / 3));
    const junk = junkArb(bigString);
    const fields = fieldArbs(junk, bigString);
    const prototypeBefore = prototypeKeys();

    await fc.assert(
      fc.asyncProperty(fc.array(emissionArb(fields, junk), { minLength: 1, maxLength: 16 }), async (emissions) => {
        const targets = await freshTargets();
        const games = [targets.lobby, targets.open, targets.running, targets.lobby, targets.open, targets.running, ...targets.sentinels];
        const problems: string[] = [];
        const pending: Promise<void>[] = [];
        for (const generated of emissions) {
          const emission = { ...generated, args: materialize(generated.args, games) as unknown[] };
          // Over the server's frame limit, or socket.io-parser's limit of binary attachments, the
          // connection is dropped by design (bad-input.test.ts covers the frame limit).
          if (frameBytes(emission.args) > limit * 0.8 || attachmentCount(emission.args) > MAX_ATTACHMENTS) continue;
          pending.push(send(raw(clients[emission.sender]), emission, games, problems));
        }
        await Promise.all(pending);
        expect(problems).toEqual([]);
        expect(shapeProblems).toEqual([]);
        for (const client of Object.values(clients)) expect(client.socket.connected).toBe(true);
        expect(prototypeKeys()).toEqual(prototypeBefore);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(await sentinelViews()).toEqual(before);
        await expectServesFreshClients(app);
      }),
      fuzzParams(runs),
    );
  }, fuzzTimeoutMs());

  test("raw frames of any content only ever cost their own connection", async () => {
    const frame = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.tuple(fc.constantFrom("0", "1", "2", "3", "4", "40", "41", "42", "43", "44", "45", "46", "451-", "42/x,"), fc.string({ maxLength: 100 })).map(([a, b]) => a + b),
      fc.json({ maxDepth: 3 }).map((json) => `42${json}`),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 6 }), async (frames) => {
        const socket = io(app.url, { transports: ["websocket"], forceNew: true, reconnection: false, auth: { token: tokenFor("frame-sender", "player") } });
        try {
          await new Promise<void>((resolve, reject) => {
            socket.once("connect", resolve);
            socket.once("connect_error", reject);
          });
          const engine = (socket.io as unknown as { engine: { write(data: string | Buffer): void } }).engine;
          for (const data of frames) engine.write(data);
          // Whatever the frames did to this connection, the same connection's next request or its close settles it.
          // (A frame announcing binary attachments makes the server wait for them: then no answer comes, which is fine.)
          await Promise.race([
            socket.timeout(1000).emitWithAck("app:state", { state: "foreground" }).catch(() => undefined),
            new Promise((resolve) => socket.once("disconnect", resolve)),
          ]);
        } finally {
          socket.close();
        }
        for (const client of Object.values(clients)) expect(client.socket.connected).toBe(true);
        expect(await snapshot(clients.player, sentinels.running)).toMatchObject({ phase: "running" });
        await expectServesFreshClients(app);
      }),
      fuzzParams(Math.ceil(runs / 2)),
    );
  }, fuzzTimeoutMs());
});

/** Emits one generated event and checks whatever comes back. */
async function send(socket: RawSocket, emission: Emission, games: readonly string[], problems: string[]): Promise<void> {
  const { event, args, ack } = emission;
  const misplaced = (): void => void problems.push(`${String(event)}: an ack placed ${ack} was called`);
  if (ack === "none") return void socket.emit(event as string, ...args);
  // Something always follows a misplaced ack: a function in last place would be the ack.
  if (ack === "first") return void socket.emit(event as string, misplaced, ...args, "after");
  if (ack === "middle") return void socket.emit(event as string, ...args, misplaced, "after");
  let reply: unknown;
  try {
    reply = await emitWithAck(socket, event, args);
  } catch {
    problems.push(`${String(event)} ${JSON.stringify(args)?.slice(0, 200)}: no ack`);
    return;
  }
  const shape = ackProblem(event as ClientEvent, reply);
  if (shape) return void problems.push(shape);
  const must = requiredOutcome(emission, games);
  const got = reply as { ok: boolean; error?: { code: string } };
  const outcome = got.ok ? "ok" : got.error!.code;
  // With a healthy store, an unexpected error is a bug whatever was sent.
  if (outcome === "INTERNAL" || outcome === "UNAVAILABLE") return void problems.push(`${String(event)} ${JSON.stringify(args)?.slice(0, 200)}: ${JSON.stringify(reply)}`);
  // A rate limit may refuse anything.
  if (must && outcome !== must && outcome !== "RATE_LIMITED") {
    problems.push(`${String(event)} from ${emission.sender} with ${JSON.stringify(args)?.slice(0, 200)}: expected ${must}, got ${JSON.stringify(reply)}`);
  }
}
