import { slotsReach } from "../support/events";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";

/** Game codes are read in any case: phone keyboards type them in lower case. */

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
])("game codes on %s", (_name, redisUrl) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ redisUrl: redisUrl() });
  });
  afterAll(async () => {
    await app.stop();
  });

  test("a code typed in lower case joins, claims, runs and ends the game and reads its record; answers and events name it in capitals", async () => {
    const host = await app.client("codes-host", "host");
    const created = await host.createGame({ title: "Lower case" });
    if (!created.ok) throw new Error(created.error.code);
    const code = created.gameId;
    expect(code).toMatch(/^[23456789A-HJKMNP-Z]{8}$/);
    const typed = code.toLowerCase();

    expect((await host.openClaims({ gameId: typed, totalSlots: 5, maxPerPlayer: 2 })).ok).toBe(true);
    const player = await app.client("codes-player", "player");
    const joined = await player.join(typed);
    if (!joined.ok) throw new Error(joined.error.code);
    expect(joined.game.id).toBe(code);

    const claimed = await player.claim(typed, 2);
    expect(claimed).toMatchObject({ ok: true, slots: { remaining: 3 } });
    // The SDK follows the game under the server's spelling, as the room's events name it.
    await slotsReach(player, code, (slots) => slots.remaining === 3);
    expect(player.slots(code)?.remaining).toBe(3);
    // Asked with the code as typed, the SDK finds the same game.
    expect(player.slots(typed)).toEqual(player.slots(code));

    expect((await host.closeClaims(typed)).ok).toBe(true);
    expect((await host.startRound(typed)).ok).toBe(true);
    // A host that joined with the code typed in lower case keeps the draws under either spelling.
    expect((await host.join(typed)).ok).toBe(true);
    const balls: number[] = [];
    for (let i = 0; i < 2; i++) {
      const drawn = await host.draw(typed);
      if (!drawn.ok) throw new Error(drawn.error.code);
      balls.push(drawn.ball);
    }
    expect(host.draws(typed)).toEqual(balls);
    expect(host.draws(code)).toEqual(balls);
    expect((await host.endGame(typed)).ok).toBe(true);
    const record = await fetch(`${app.url}/api/games/${typed}/record`);
    expect(record.status).toBe(200);
    expect(((await record.json()) as { gameId: string }).gameId).toBe(code);
  });

  test("a code that is not a game stays NOT_FOUND in any case", async () => {
    const player = await app.client("codes-stranger", "player");
    expect(await player.join("nosuchgm")).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect((await fetch(`${app.url}/api/games/nosuchgm/record`)).status).toBe(404);
  });
});
