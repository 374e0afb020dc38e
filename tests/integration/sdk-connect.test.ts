import { BingoClient, CONNECT_ATTEMPT_TIMEOUT_MS, ConnectError, FIRST_CONNECT_TIMEOUT_MS } from "../../shared/client";
import { freePort } from "../support/redis-server";
import { startTestApp, tokenFor } from "../support/test-app";
import { until } from "../support/until";
import { within } from "../support/events";

test("connecting to a server that is not there rejects with UNAVAILABLE instead of hanging", async () => {
  const port = await freePort();
  const attempt = BingoClient.connect({ url: `http://127.0.0.1:${port}`, token: tokenFor("p", "player"), connectTimeoutMs: 300 });
  await expect(attempt).rejects.toBeInstanceOf(ConnectError);
  await expect(attempt).rejects.toMatchObject({ code: "UNAVAILABLE" });
});

test("each connection attempt waits CONNECT_ATTEMPT_TIMEOUT_MS for the server (longer than socket.io-client's 20 s), unless socketOptions say otherwise", () => {
  const url = "http://127.0.0.1:1";
  const token = tokenFor("p", "player");
  const patient = new BingoClient({ url, token });
  const hasty = new BingoClient({ url, token, socketOptions: { timeout: 5000 } });
  try {
    // The Manager's timeout is what socket.io-client gives each attempt before it starts another.
    expect(CONNECT_ATTEMPT_TIMEOUT_MS).toBeGreaterThan(20_000);
    expect(patient.socket.io.timeout()).toBe(CONNECT_ATTEMPT_TIMEOUT_MS);
    expect(hasty.socket.io.timeout()).toBe(5000);
  } finally {
    patient.close();
    hasty.close();
  }
});

test("the first connection waits at least one whole attempt by default: a show's start fills the accept queues as a mass reconnect does", () => {
  expect(FIRST_CONNECT_TIMEOUT_MS).toBeGreaterThanOrEqual(2 * CONNECT_ATTEMPT_TIMEOUT_MS);
});

test("connectTimeoutMs Infinity waits until the server answers: open() settles when a server comes up on the port", async () => {
  const port = await freePort();
  const client = new BingoClient({ url: `http://127.0.0.1:${port}`, token: tokenFor("p", "player"), connectTimeoutMs: Infinity, socketOptions: { reconnectionDelay: 50, reconnectionDelayMax: 100 } });
  try {
    let settled = false;
    let attempts = 0;
    client.socket.io.on("reconnect_attempt", () => attempts++);
    const opened = client.open().finally(() => (settled = true));
    // Refused attempts go on (no deadline fired at once, as setTimeout would for Infinity).
    await until("three refused attempts", () => attempts >= 3);
    expect(settled).toBe(false);
    const app = await startTestApp({ config: { port } });
    try {
      await opened;
      expect(client.socket.connected).toBe(true);
    } finally {
      client.close();
      await app.stop();
    }
  } finally {
    client.close();
  }
});

test("a reconnect refused by a full node (UNAVAILABLE) is tried again: the client is back once a place is free, and rejoins its game", async () => {
  const app = await startTestApp({ config: { maxConnections: 1 } });
  const places = () => app.io.of("/").sockets.size;
  // A fixed delay, so the reconnect comes after the other client has taken the one place.
  const client = new BingoClient({ url: app.url, token: tokenFor("mover", "player"), socketOptions: { reconnectionDelay: 300, randomizationFactor: 0 } });
  let other: BingoClient | undefined;
  try {
    const host = await app.client("refused-host", "host");
    const created = await host.createGame({ title: "Refused reconnect" });
    if (!created.ok) throw new Error(created.error.code);
    host.close();
    await until("the host's place to be free", () => places() === 0);
    await client.open();
    expect((await client.join(created.gameId)).ok).toBe(true);

    const refused = new Promise<unknown>((resolve) => client.socket.once("connect_error", (error) => resolve((error as { data?: unknown }).data)));
    const rejoined = new Promise<void>((resolve) => client.onResync((game) => game.id === created.gameId && resolve()));
    // The connection drops (as when a node is killed); the place is taken before the client is back.
    client.socket.io.engine.close();
    await until("the node to see the client gone", () => places() === 0);
    other = await BingoClient.connect({ url: app.url, token: tokenFor("taker", "player") });
    expect(await within(refused, "the reconnect to be refused")).toMatchObject({ code: "UNAVAILABLE" });

    other.close();
    await within(rejoined, "the client to be back in its game by itself");
    expect(client.socket.connected).toBe(true);
  } finally {
    other?.close();
    client.close();
    await app.stop();
  }
});
