import type { FinishedMessage, WinnersMessage } from "../../shared/protocol";
import { publicRecordSchema } from "../../shared/protocol";
import { drawOrder } from "../../server/domain/cards";
import { ok } from "../support/acks";
import { nextEvent } from "../support/events";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp, tokenFor } from "../support/test-app";
import { until } from "../support/until";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

const q = (text: string) => `"${text.replace(/"/g, '""')}"`;

describe.each([
  ["the embedded store", false],
  ["Redis", true],
])("names, the player list and the winners export on %s", (_name, onRedis) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ redisUrl: onRedis ? redis.url : undefined, config: { tickMs: 10, claimGraceMs: 100 } });
  });
  afterAll(async () => {
    await app.stop();
  });

  test("a bad name is BAD_REQUEST and changes nothing; a rename replaces the name; only the host lists players, a page at a time", async () => {
    const host = await app.client("names-host", "host");
    const { gameId } = ok(await host.createGame({ prizes: [1000, 5000] }), "create");
    const ana = await app.client("names-ana", "player");
    const bo = await app.client("names-bo", "player");
    const cy = await app.client("names-cy", "player");
    for (const player of [ana, bo, cy]) ok(await player.join(gameId), "join");
    expect(ok(await ana.setName(gameId, "  Ana  "), "name").name).toBe("Ana");
    for (const bad of ["", "   ", "x".repeat(25), "Ana\u202Egnp", "A\nB"]) {
      const refused = await ana.setName(gameId, bad);
      expect(refused).toEqual({ ok: false, error: expect.objectContaining({ code: "BAD_REQUEST" }) });
    }
    expect(await ana.setName("NOGAME1", "Ana")).toEqual({ ok: false, error: expect.objectContaining({ code: "NOT_FOUND" }) });
    ok(await bo.setName(gameId, "Bo"), "name");
    ok(await bo.setName(gameId, "Bo the 2nd"), "rename");
    ok(await host.openClaims({ gameId, totalSlots: 30, maxPerPlayer: 5 }), "open");
    ok(await bo.claim(gameId, 2), "claim");
    ok(await ana.claim(gameId, 3), "claim");
    ok(await cy.claim(gameId, 1), "claim");

    expect(await ana.listPlayers(gameId)).toEqual({ ok: false, error: expect.objectContaining({ code: "FORBIDDEN" }) });
    const other = await app.client("names-other-host", "host");
    expect(await other.listPlayers(gameId)).toEqual({ ok: false, error: expect.objectContaining({ code: "FORBIDDEN" }) });
    expect(await host.listPlayers("NOGAME1")).toEqual({ ok: false, error: expect.objectContaining({ code: "NOT_FOUND" }) });
    expect(await host.listPlayers(gameId, 0, 101)).toEqual({ ok: false, error: expect.objectContaining({ code: "BAD_REQUEST" }) });

    const first = ok(await host.listPlayers(gameId, 0, 2), "list");
    expect(first).toEqual({
      ok: true,
      players: [
        { playerId: "names-bo", name: "Bo the 2nd", cards: 2, presence: "connected", won: [] },
        { playerId: "names-ana", name: "Ana", cards: 3, presence: "connected", won: [] },
      ],
      total: 3,
      next: 2,
    });
    expect(ok(await host.listPlayers(gameId, first.next!, 2), "list")).toEqual({
      ok: true,
      players: [{ playerId: "names-cy", name: null, cards: 1, presence: "connected", won: [] }],
      total: 3,
      next: null,
    });
    // A player whose last socket closed is away (reached by push).
    cy.close();
    await until("cy listed away", async () => {
      const page = ok(await host.listPlayers(gameId, 2, 2), "list");
      return page.players[0].presence === "away";
    });
  });

  test("winners carry names; the host exports winners and payouts as CSV and JSON (401/403/404 otherwise), formula-safe", async () => {
    const host = await app.client("export-host", "host");
    const { gameId } = ok(await host.createGame({ prizes: [1001, 5000] }), "create");
    const names: Record<string, string> = { "export-a": "+Ana", "export-b": '=HYPERLINK("http://x")' };
    const players = await Promise.all(Object.keys(names).map((sub) => app.client(sub, "player")));
    for (const player of players) ok(await player.join(gameId), "join");
    ok(await host.join(gameId), "host join");
    await Promise.all(players.map((player, i) => player.setName(gameId, Object.values(names)[i])));
    ok(await host.openClaims({ gameId, totalSlots: 40, maxPerPlayer: 20 }), "open");
    for (const player of players) ok(await player.claim(gameId, 20), "claim");
    const winnersSeen: WinnersMessage[] = [];
    host.socket.on("winners", (message) => winnersSeen.push(message));
    const finished: Promise<FinishedMessage> = nextEvent(host.socket, "game:finished");
    ok(await host.startRound(gameId), "start");
    for (let i = 0; i < 75; i++) if (!(await host.draw(gameId)).ok) break;
    const end = await finished;
    expect(end.results).toHaveLength(2);
    for (const award of end.results) for (const winner of award.winners) expect(winner.name).toBe(names[winner.playerId]);
    expect(winnersSeen.flatMap((m) => m.winners)).toEqual(end.results.flatMap((a) => a.winners));
    // Live events list an award's first winners (every card wins the full house here: 40, more
    // than they list); the record, the player list and the export have them all.
    const record = publicRecordSchema.parse(await (await fetch(`${app.url}/api/games/${gameId}/record`)).json());
    expect(end.results.map((a) => a.winnerCount)).toEqual(record.awards.map((a) => a.winners.length));
    const page = ok(await host.listPlayers(gameId), "list");
    for (const row of page.players) {
      expect(row.won).toEqual(record.awards.flatMap((a) => a.winners.filter((w) => w.playerId === row.playerId).map((w) => ({ pattern: a.pattern, cardId: w.cardId, prizeEach: a.prizeEach }))));
    }

    const order = drawOrder(end.seed, 75);
    const rows = record.awards.flatMap((a) =>
      a.winners.map((w) => ({ pattern: a.pattern, prize: a.prizeEach, name: names[w.playerId], playerId: w.playerId, cardId: w.cardId, ballIndex: a.ballIndex, ball: order[a.ballIndex] })),
    );
    const url = (format: string, id = gameId) => `${app.url}/api/games/${id}/winners.${format}`;
    const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

    const csv = await fetch(url("csv"), bearer(tokenFor("export-host", "host")));
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const expectedCsv = [
      "pattern,prize,name,player_id,card_id,ball_index,ball",
      ...rows.map((r) => [q(r.pattern), r.prize, q(`'${r.name}`), q(r.playerId), r.cardId, r.ballIndex, r.ball].join(",")),
    ].join("\r\n");
    expect(await csv.text()).toBe(expectedCsv + "\r\n");

    const json = await fetch(url("json", gameId.toLowerCase()), bearer(tokenFor("export-host", "host")));
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({ gameId, title: "Bingo show", winners: rows });

    expect((await fetch(url("csv"))).status).toBe(401);
    expect((await fetch(url("csv"), bearer("not-a-token"))).status).toBe(401);
    expect((await fetch(url("csv"), bearer(tokenFor("export-a", "player")))).status).toBe(403);
    expect((await fetch(url("json"), bearer(tokenFor("export-other-host", "host")))).status).toBe(403);
    const missing = await fetch(url("csv", "NOGAME1"), bearer(tokenFor("export-host", "host")));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: "NOT_FOUND", message: expect.any(String) } });

    // The public record stays without names.
    const recordText = await (await fetch(`${app.url}/api/games/${gameId}/record`)).text();
    expect(recordText).not.toContain("Ana");
    expect(recordText).not.toContain("HYPERLINK");
  });
});
