import { createHmac } from "node:crypto";
import { io } from "socket.io-client";
import type { Socket } from "socket.io-client";
import { BingoClient, ConnectError } from "../../shared/client";
import type { ClientSocket } from "../../shared/client";
import { nextEvent } from "../support/events";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp, TEST_SECRET, tokens } from "../support/test-app";
import { serverEventProblem } from "../support/wire-schemas";

/** A token signed with the test secret carrying exactly these claims (nothing added). */
function rawToken(claims: object): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  const body = `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}`;
  return `${body}.${createHmac("sha256", TEST_SECRET).update(body).digest("base64url")}`;
}

const nowS = (): number => Math.floor(Date.now() / 1000);

let redis: TestRedis;
let app: TestApp;
const opened: { close(): void }[] = [];

beforeAll(async () => {
  redis = await startRedis();
  app = await startTestApp({ redisUrl: redis.url });
});
afterAll(async () => {
  for (const client of opened) client.close();
  await app?.stop();
  await redis?.stop();
});

async function refusal(token: string): Promise<unknown> {
  const client = new BingoClient({ url: app.url, token, connectTimeoutMs: 5000 });
  opened.push(client);
  return client.open().then(
    () => new Error("connected"),
    (error: unknown) => error,
  );
}

describe("tokens are refused at connect (connect_error UNAUTHORIZED) when their times are wrong", () => {
  test.each<[string, () => object, RegExp]>([
    ["no exp", () => ({ sub: "p1", role: "player", iat: nowS() }), /needs exp/],
    ["exp in 2200", () => ({ sub: "p1", role: "player", exp: Date.UTC(2200, 0, 1) / 1000 }), /exp is more than 86400 s away/],
    ["exp − iat over 24 h", () => ({ sub: "p1", role: "player", iat: nowS() - 90_000, exp: nowS() + 600 }), /lifetime/],
    ["iat an hour in the future", () => ({ sub: "p1", role: "player", iat: nowS() + 3600, exp: nowS() + 7200 }), /iat is in the future/],
  ])("%s", async (_label, claims, reason) => {
    const error = await refusal(rawToken(claims()));
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe("UNAUTHORIZED");
    expect((error as ConnectError).message).toMatch(reason);
  });

  test("the same claims with a sane exp connect", async () => {
    const client = await BingoClient.connect({ url: app.url, token: rawToken({ sub: "p1", role: "player", iat: nowS(), exp: nowS() + 600 }) });
    opened.push(client);
    expect(client.socket.connected).toBe(true);
  });
});

describe("a socket whose token expires", () => {
  test("gets session:expired and is disconnected; a reconnect with the same token is refused", async () => {
    const socket: ClientSocket = io(app.url, { transports: ["websocket"], forceNew: true, auth: { token: tokens.sign({ sub: "fixed", role: "player" }, 2) } });
    opened.push(socket);
    const refused = new Promise<Error & { data?: unknown }>((resolve) => socket.on("connect_error", resolve));
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const expired = new Promise<unknown[]>((resolve) => (socket as unknown as Socket).once("session:expired", (...args: unknown[]) => resolve(args)));
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", (reason) => resolve(reason)));

    const args = await expired;
    expect(serverEventProblem("session:expired", args)).toBeNull();
    // Closed at the transport: socket.io-client tries again by itself, with the same (now expired) token.
    expect(await disconnected).toBe("transport close");
    const error = await refused;
    expect(error.data).toEqual({ code: "UNAUTHORIZED", message: expect.stringMatching(/expired/) });
    expect(socket.connected).toBe(false);
  });

  test("through the SDK with a token provider: reconnects by itself with a fresh token and carries on", async () => {
    const host = await app.client("expiry-host", "host");
    const created = await host.createGame({});
    if (!created.ok) throw new Error(created.error.code);
    const { gameId } = created;
    expect((await host.openClaims({ gameId, totalSlots: 50, maxPerPlayer: 10 })).ok).toBe(true);

    const issued: string[] = [];
    const provider = async (): Promise<string> => {
      // The first lives 2 s; the fresh ones long enough for the rest of the test.
      const token = tokens.sign({ sub: "renewing", role: "player" }, issued.length === 0 ? 2 : 600);
      issued.push(token);
      return token;
    };
    const player = await BingoClient.connect({ url: app.url, token: provider });
    opened.push(player);
    expect((await player.join(gameId)).ok).toBe(true);
    expect((await player.claim(gameId, 1)).ok).toBe(true);
    const firstSocketId = player.socket.id;

    const expired = nextEvent(player.socket, "session:expired");
    expect((await expired).reason.length).toBeGreaterThan(0);
    await new Promise<void>((resolve) => player.socket.once("connect", () => resolve()));

    expect(issued).toHaveLength(2);
    expect(player.socket.connected).toBe(true);
    expect(player.socket.id).not.toBe(firstSocketId);
    // Same identity on the new socket: the cards it claimed before are still its own.
    const joined = await player.join(gameId);
    if (!joined.ok) throw new Error(joined.error.code);
    expect(joined.game.myCards).toHaveLength(1);
    expect((await player.claim(gameId, 1)).ok).toBe(true);
  });
});
