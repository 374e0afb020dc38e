import { BingoClient, ConnectError } from "../../shared/client";
import { freePort } from "../support/redis-server";
import { tokenFor } from "../support/test-app";

test("connecting to a server that is not there rejects with UNAVAILABLE instead of hanging", async () => {
  const port = await freePort();
  const attempt = BingoClient.connect({ url: `http://127.0.0.1:${port}`, token: tokenFor("p", "player"), connectTimeoutMs: 300 });
  await expect(attempt).rejects.toBeInstanceOf(ConnectError);
  await expect(attempt).rejects.toMatchObject({ code: "UNAVAILABLE" });
});
