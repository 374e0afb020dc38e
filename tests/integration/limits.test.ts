import { io } from "socket.io-client";
import type { Socket } from "socket.io-client";
import { BingoClient, ConnectError } from "../../shared/client";
import type { Ack, Claimed, ErrorCode } from "../../shared/protocol";
import { ok } from "../support/acks";
import { handled } from "../support/server-sockets";
import { ManualClock, settle } from "../support/manual-clock";
import type { TestApp } from "../support/test-app";
import { startTestApp, tokenFor } from "../support/test-app";

const TICK = 50;
const HOST = "limits-host";

const codeOf = (ack: Ack): ErrorCode | "ok" => (ack.ok ? "ok" : ack.error.code);

async function openGame(host: BingoClient, totalSlots: number, maxPerPlayer: number): Promise<string> {
  const { gameId } = ok(await host.createGame({ title: "Limits" }), "create");
  ok(await host.openClaims({ gameId, totalSlots, maxPerPlayer }), "open");
  return gameId;
}

/** A raw socket.io-client socket (no reconnection); the caller closes it. */
function rawSocket(app: TestApp, sub: string, extraHeaders?: Record<string, string>): Socket {
  return io(app.url, { transports: ["websocket"], reconnection: false, auth: { token: tokenFor(sub, "player") }, ...(extraHeaders ? { extraHeaders } : {}) });
}

/** Resolves when the socket connects; rejects with the connect_error (and its data). */
function connection(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
}

/** The connect_error the socket gets; fails if it connects. */
function refusal(socket: Socket): Promise<Error & { data?: unknown }> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => reject(new Error("the server accepted the connection")));
    socket.once("connect_error", resolve);
  });
}

describe("token buckets per socket and per player (manual clock)", () => {
  let app: TestApp;
  let clock: ManualClock;
  let host: BingoClient;

  beforeEach(async () => {
    clock = new ManualClock();
    app = await startTestApp({
      clock,
      config: { tickMs: TICK, slotsMinIntervalMs: 0, rateLimits: { socket: { burst: 5, perSecond: 1 }, player: { burst: 8, perSecond: 2 } } },
    });
    host = await app.client(HOST, "host");
  });

  afterEach(() => app.stop());

  test("a socket's burst + 1 claims: exactly the extra one is RATE_LIMITED and nothing is granted for it", async () => {
    const gameId = await openGame(host, 100, 100);
    const player = await app.client("burst-player", "player");
    // Emitted back to back before any tick: five fit the socket's bucket, the sixth does not.
    const acks = Array.from({ length: 6 }, (_, i) => player.claim(gameId, 1, `burst-${i}`));
    // The refusal needs no tick: it is answered at once.
    expect(await acks[5]).toEqual({ ok: false, error: { code: "RATE_LIMITED", message: expect.any(String) } });
    clock.advance(TICK);
    const answers = await Promise.all(acks);
    expect(answers.map(codeOf)).toEqual(["ok", "ok", "ok", "ok", "ok", "RATE_LIMITED"]);
    const game = ok(await host.join(gameId), "host join").game;
    expect(game.slots.remaining).toBe(95);

    // Within the same refill window (1 s at 1 token a second) a further refusal is not answered.
    const unanswered: unknown[] = [];
    const taken = handled(app, player.socket.id!, 1);
    player.socket.emit("app:state", { state: "foreground" }, (ack: unknown) => unanswered.push(ack));
    await taken;
    clock.advance(1000);
    // A new window and one token: one passes, the next refusal is answered again.
    const refilled = await Promise.all([player.request("app:state", { state: "foreground" }), player.request("app:state", { state: "foreground" })]);
    expect(refilled.map(codeOf)).toEqual(["ok", "RATE_LIMITED"]);
    // A socket's events are handled in order and a refusal is answered at once: an answer to the dropped one would have come first.
    expect(unanswered).toEqual([]);
    expect(ok(await host.join(gameId), "host join").game.slots.remaining).toBe(95);
  });

  test("a player's sockets share one bucket: 10 events over 3 sockets for a player burst of 8 -> exactly 2 refused; other players unaffected", async () => {
    const gameId = await openGame(host, 10, 1);
    const first = await app.client("two-socket-player", "player");
    const second = await app.client("two-socket-player", "player");
    const third = await app.client("two-socket-player", "player");
    const joins = (client: BingoClient, n: number) => Promise.all(Array.from({ length: n }, () => client.request("game:join", { gameId })));
    // One socket after the other: each is refused at most once in a window, so each refusal is answered.
    const acks = [...(await joins(first, 5)), ...(await joins(second, 4)), ...(await joins(third, 1))];
    expect(acks.map(codeOf)).toEqual([...Array(8).fill("ok"), "RATE_LIMITED", "RATE_LIMITED"]);

    const other = await app.client("other-player", "player");
    expect(codeOf(await other.join(gameId))).toBe("ok");

    // Reconnecting does not refill the player's bucket: it is kept until it is full again.
    const gone = [first, second, third].map((client) => new Promise<void>((resolve) => app.io.of("/").sockets.get(client.socket.id!)!.once("disconnect", () => resolve())));
    first.close();
    second.close();
    third.close();
    await Promise.all(gone);
    const again = await app.client("two-socket-player", "player");
    expect(codeOf(await again.request("game:join", { gameId }))).toBe("RATE_LIMITED");
    clock.advance(500);
    expect(codeOf(await again.request("game:join", { gameId }))).toBe("ok");
  });

  test("an event without an ack over the limit is dropped: no reply, nothing done, the connection stays", async () => {
    const gameId = await openGame(host, 10, 5);
    const socket = rawSocket(app, "no-ack-player");
    try {
      await connection(socket);
      const replies: unknown[] = [];
      socket.onAny((...args) => replies.push(args));
      for (let i = 0; i < 5; i++) socket.emit("app:state", { state: "foreground" }, () => undefined);
      // Over the limit and without an ack: a claim that would otherwise be valid.
      socket.emit("cards:claim", { gameId, count: 1, requestId: "silent" });
      const limited = await new Promise<Ack>((resolve) => socket.emit("app:state", { state: "foreground" }, resolve));
      expect(codeOf(limited)).toBe("RATE_LIMITED");
      clock.advance(TICK);
      await settle();
      expect(replies).toEqual([]);
      expect(socket.connected).toBe(true);
      expect(ok(await host.join(gameId), "host join").game.slots.remaining).toBe(10);
    } finally {
      socket.close();
    }
  });
});

describe("pending claims per game are bounded (MAX_PENDING_CLAIMS), the rest held to the next tick", () => {
  test("over the cap: RATE_LIMITED at once; under it: held tick after tick (MAX_CLAIMS_PER_TICK) and all granted; a refused claim sent again is granted", async () => {
    const clock = new ManualClock();
    const app = await startTestApp({ clock, config: { tickMs: TICK, slotsMinIntervalMs: 0, maxClaimsPerTick: 3, maxPendingClaims: 5 } });
    try {
      const host = await app.client(HOST, "host");
      const gameId = await openGame(host, 100, 20);
      const player = await app.client("queue-player", "player");
      const answered: (ErrorCode | "ok")[] = new Array(8).fill("pending");
      const acks = Array.from({ length: 8 }, (_, i) =>
        player.claim(gameId, 1, `queued-${i}`).then((ack) => {
          answered[i] = codeOf(ack);
          return ack;
        }),
      );
      await acks[7];
      // Nothing ticked yet: the three over the cap are refused, the five under it wait.
      expect(answered).toEqual(["pending", "pending", "pending", "pending", "pending", "RATE_LIMITED", "RATE_LIMITED", "RATE_LIMITED"]);
      clock.advance(TICK);
      await Promise.all(acks.slice(0, 3));
      await settle();
      expect(answered.slice(0, 5)).toEqual(["ok", "ok", "ok", "pending", "pending"]);
      clock.advance(TICK);
      await Promise.all(acks);
      expect(answered).toEqual(["ok", "ok", "ok", "ok", "ok", "RATE_LIMITED", "RATE_LIMITED", "RATE_LIMITED"]);

      // The queue has room again: the refused claims, sent again with their requestIds, are granted.
      const retried = [5, 6, 7].map((i) => player.claim(gameId, 1, `queued-${i}`));
      // A socket's events are handled in order: once this is answered, the claims wait in the queue.
      ok(await player.request("app:state", { state: "foreground" }), "app:state");
      clock.advance(TICK);
      const granted = (await Promise.all(retried)).map((ack) => ok(ack, "retried claim") as Claimed);
      const ids = granted.flatMap((claim) => claim.cards.map((card) => card.id));
      expect(ids).toEqual([6, 7, 8]);
      const game = ok(await player.join(gameId), "join").game;
      expect(game.myCards.map((card) => card.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(game.slots.remaining).toBe(92);
    } finally {
      await app.stop();
    }
  });
});

describe("MAX_MESSAGE_BYTES (Socket.IO maxHttpBufferSize)", () => {
  test("a frame over the limit closes that connection only; smaller ones are answered; the server serves on", async () => {
    const app = await startTestApp({ config: { maxMessageBytes: 2048 } });
    const big = rawSocket(app, "big-sender");
    try {
      await connection(big);
      const host = await app.client(HOST, "host");
      const gameId = await openGame(host, 10, 1);
      // Just under the limit: parsed and answered (a too-long requestId is malformed).
      const small = await new Promise<Ack>((resolve) => big.emit("cards:claim", { gameId, count: 1, requestId: "r".repeat(1500) }, resolve));
      expect(codeOf(small)).toBe("BAD_REQUEST");
      const dropped = new Promise<string>((resolve) => big.once("disconnect", (reason) => resolve(reason)));
      big.emit("cards:claim", { gameId, count: 1, requestId: "r".repeat(3000) }, () => undefined);
      expect(await dropped).toMatch(/^transport (close|error)$/);
      const player = await app.client("after-big", "player");
      expect(codeOf(await player.claim(gameId, 1))).toBe("ok");
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    } finally {
      big.close();
      await app.stop();
    }
  });
});

describe("MAX_CONNECTIONS", () => {
  test("a connection over the cap is refused with UNAVAILABLE (connect_error data and the SDK's ConnectError); a freed place is taken again", async () => {
    const app = await startTestApp({ config: { maxConnections: 3 } });
    try {
      const clients = [await app.client("c1", "player"), await app.client("c2", "player"), await app.client("c3", "player")];
      const over = rawSocket(app, "c4");
      try {
        const error = await refusal(over);
        expect(error.data).toStrictEqual({ code: "UNAVAILABLE", message: expect.stringMatching(/maximum of 3 connections/) });
      } finally {
        over.close();
      }
      // The SDK tries a full node again (the refusal may pass) until its connectTimeoutMs, then gives up with the refusal.
      const sdk = new BingoClient({ url: app.url, token: tokenFor("c5", "player"), connectTimeoutMs: 1500, socketOptions: { reconnectionDelay: 100 } });
      try {
        const error = await sdk.open().then(
          () => new Error("the server accepted the connection"),
          (refused: unknown) => refused,
        );
        expect(error).toBeInstanceOf(ConnectError);
        expect(error).toMatchObject({ code: "UNAVAILABLE", message: expect.stringMatching(/maximum of 3 connections/) });
      } finally {
        sdk.close();
      }
      expect(app.io.of("/").sockets.size).toBe(3);

      // A patient SDK client refused now connects by itself once a place is free.
      const patient = new BingoClient({ url: app.url, token: tokenFor("c6", "player"), socketOptions: { reconnectionDelay: 100 } });
      const refusedOnce = new Promise<void>((resolve) => patient.socket.once("connect_error", () => resolve()));
      const opened = patient.open();
      await refusedOnce;
      const leaving = app.io.of("/").sockets.get(clients[0].socket.id!)!;
      const left = new Promise<void>((resolve) => leaving.once("disconnect", () => resolve()));
      clients[0].close();
      await left;
      try {
        await opened;
        expect(codeOf(await patient.request("app:state", { state: "foreground" }))).toBe("ok");
      } finally {
        patient.close();
      }
    } finally {
      await app.stop();
    }
  });
});

describe("CORS_ORIGINS", () => {
  const LISTED = "https://shows.example";
  const OTHER = "https://elsewhere.example";

  test("with a list: sockets from other origins are refused FORBIDDEN; listed, own and no origin connect; HTTP answers listed origins only", async () => {
    const app = await startTestApp({ config: { corsOrigins: [LISTED] } });
    const sockets: Socket[] = [];
    const socket = (sub: string, origin?: string): Socket => {
      const made = rawSocket(app, sub, origin ? { origin } : undefined);
      sockets.push(made);
      return made;
    };
    try {
      const error = await refusal(socket("foreign", OTHER));
      expect(error.data).toStrictEqual({ code: "FORBIDDEN", message: expect.stringContaining(OTHER) });
      await connection(socket("listed", LISTED));
      await connection(socket("own-page", `http://127.0.0.1:${app.port}`));
      await connection(socket("no-origin"));

      const listed = await fetch(`${app.url}/healthz`, { headers: { origin: LISTED } });
      expect(listed.headers.get("access-control-allow-origin")).toBe(LISTED);
      const other = await fetch(`${app.url}/healthz`, { headers: { origin: OTHER } });
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
      const preflight = await fetch(`${app.url}/api/games/ABC/record`, { method: "OPTIONS", headers: { origin: LISTED, "access-control-request-method": "GET" } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-origin")).toBe(LISTED);
    } finally {
      for (const made of sockets) made.close();
      await app.stop();
    }
  });

  test("unset (the default): sockets from any origin connect, HTTP answers carry no CORS headers", async () => {
    const app = await startTestApp();
    const foreign = rawSocket(app, "anywhere", { origin: OTHER });
    try {
      await connection(foreign);
      const response = await fetch(`${app.url}/healthz`, { headers: { origin: OTHER } });
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      foreign.close();
      await app.stop();
    }
  });
});
