import { BingoClient, CONNECT_ATTEMPT_TIMEOUT_MS, ConnectError, FIRST_CONNECT_TIMEOUT_MS } from "../../shared/client";
import { freePort } from "../support/redis-server";
import { startTestApp, tokenFor } from "../support/test-app";
import { until } from "../support/until";

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
