import type { PublicRecord } from "../../shared/protocol";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";

/** A game's currency: chosen at game:create, in every snapshot and in the public record. */

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

describe.each([
  ["embedded (memory)", () => undefined],
  ["redis", () => redis.url],
])("currency on %s", (_name, redisUrl) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ redisUrl: redisUrl() });
  });
  afterAll(async () => {
    await app.stop();
  });

  test("the host's currency reaches the host's and a player's snapshot and the public record", async () => {
    const host = await app.client("currency-host", "host");
    const created = await host.createGame({ title: "Yen", prizes: [500, 3000], currency: "JPY" });
    if (!created.ok) throw new Error(created.error.code);
    const player = await app.client("currency-player", "player");
    const joined = await player.join(created.gameId);
    expect(joined.ok && [joined.game.currency, joined.game.prizes]).toEqual(["JPY", [500, 3000]]);
    const hostView = await host.join(created.gameId);
    expect(hostView.ok && hostView.game.currency).toBe("JPY");
    expect((await host.startRound(created.gameId)).ok).toBe(true);
    expect((await host.endGame(created.gameId)).ok).toBe(true);
    const record = (await (await fetch(`${app.url}/api/games/${created.gameId}/record`)).json()) as PublicRecord;
    expect([record.currency, record.prizes]).toEqual(["JPY", [500, 3000]]);
  });

  test("a game created without one is in EUR", async () => {
    const host = await app.client("currency-default", "host");
    const created = await host.createGame({});
    if (!created.ok) throw new Error(created.error.code);
    const joined = await host.join(created.gameId);
    expect(joined.ok && joined.game.currency).toBe("EUR");
  });

  test.each([["XYZ"], ["eur"], ["EURO"], [42]])("currency %p is BAD_REQUEST and makes no game", async (currency) => {
    const host = await app.client(`currency-bad-${String(currency)}`, "host");
    const refused = await host.createGame({ currency } as never);
    expect(refused).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    expect(refused.ok ? "" : refused.error.message).toMatch(/currency/);
  });
});
