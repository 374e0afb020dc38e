import { BingoClient, CONNECT_ATTEMPT_TIMEOUT_MS, ConnectError } from "../../shared/client";
import { freePort } from "../support/redis-server";
import { tokenFor } from "../support/test-app";

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
