import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { pushSender } from "../../server/backends";
import { createLogger } from "../../server/observability/logger";
import type { BingoClient } from "../../shared/client";
import { ok } from "../support/acks";
import { startTestApp, TEST_SECRET } from "../support/test-app";

/** Every JSON line a logger writes, and a way to wait for one. */
class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  text = "";
  private waiters: { accept: (line: Record<string, unknown>) => boolean; resolve: () => void }[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    const text = chunk.toString("utf8");
    this.text += text;
    for (const raw of text.split("\n")) {
      if (!raw) continue;
      const line = JSON.parse(raw) as Record<string, unknown>;
      this.lines.push(line);
      this.waiters = this.waiters.filter((waiter) => !(waiter.accept(line) && (waiter.resolve(), true)));
    }
    done();
  }

  /** Resolves when a line satisfying `accept` has been written (or already was). */
  seen(accept: (line: Record<string, unknown>) => boolean): Promise<void> {
    if (this.lines.some(accept)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ accept, resolve }));
  }
}

/** Like an FCM registration token: ~160 characters of base64url with a colon. */
const fcmLikeToken = (): string => `${randomBytes(16).toString("base64url")}:APA91b${randomBytes(100).toString("base64url")}`;

/** The JWT a client connected with. */
const jwtOf = (client: BingoClient): string => (client.socket.auth as { token: string }).token;

test("a whole game logged at trace level: JSON lines with the node id and game ids, and no secret, JWT or push token anywhere", async () => {
  const capture = new LogCapture();
  const nodeId = "log-test-node";
  const log = createLogger({ logLevel: "trace", nodeId }, capture);
  const app = await startTestApp({
    log,
    pushSender: pushSender({ firebase: null }, log),
    config: { nodeId, backgroundGraceMs: 60_000, pushCountThresholds: [18, 14, 10] },
  });
  const devices: string[] = [];
  const jwts: string[] = [];
  try {
    const host = await app.client("log-host", "host");
    jwts.push(jwtOf(host));
    const { gameId } = ok(await host.createGame({ title: "Logs" }), "create");
    ok(await host.join(gameId), "host join");
    ok(await host.openClaims({ gameId, totalSlots: 20, maxPerPlayer: 2 }), "open");
    const players: BingoClient[] = [];
    for (let i = 0; i < 4; i++) {
      const player = await app.client(`log-player-${i}`, "player");
      jwts.push(jwtOf(player));
      ok(await player.join(gameId), "join");
      ok(await player.claim(gameId, 2), "claim");
      const device = fcmLikeToken();
      devices.push(device);
      ok(await player.registerPush(device, i % 2 === 0 ? "android" : "ios"), "register");
      ok(await player.setAppState("background"), "background");
      players.push(player);
    }
    ok(await host.startRound(gameId), "start");
    for (let i = 0; i < 5; i++) ok(await host.draw(gameId), "draw");
    ok(await host.endGame(gameId), "end");
    // The pushes for the backgrounded players are logged (FCM off): wait for the last kind.
    await capture.seen((line) => (line.data as { type?: string } | undefined)?.type === "finished");
    // A careless line carrying credentials the way code might: redacted by the logger itself.
    log.warn({ token: jwts[0], auth: { token: jwts[1] }, headers: { authorization: `Bearer ${jwts[2]}` }, secret: TEST_SECRET }, "careless");

    expect(capture.lines.length).toBeGreaterThan(10);
    for (const line of capture.lines) expect(line.node).toBe(nodeId);
    const created = capture.lines.find((line) => line.msg === "game created");
    expect(created).toMatchObject({ gameId, hostId: "log-host" });
    expect(capture.lines.find((line) => line.msg === "round started")).toMatchObject({ gameId });
    const pushes = capture.lines.filter((line) => typeof line.msg === "string" && line.msg.startsWith("push"));
    expect(pushes.length).toBeGreaterThanOrEqual(devices.length);
    for (const push of pushes) expect(String(push.token)).toMatch(/^.{1,8}…$/);

    for (const secret of [TEST_SECRET, ...jwts, ...devices]) {
      expect(capture.text).not.toContain(secret);
      // Not even most of one: a shortened token shows at most its first 8 characters.
      expect(capture.text).not.toContain(secret.slice(8, 40));
    }
  } finally {
    await app.stop();
  }
});
