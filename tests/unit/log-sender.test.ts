import { randomBytes } from "node:crypto";
import { pushMessage, type PushMessage } from "../../server/domain/push-messages";
import { MAX_PUSH_BATCH } from "../../server/ports/push-sender";
import { LogPushSender, shortToken } from "../../server/push/log-sender";
import { createLogger } from "../../server/observability/logger";

const AT = 1_700_000_000_000;

/** Like an FCM registration token: ~160 characters of base64url with a colon. */
function fcmLikeToken(): string {
  return `${randomBytes(16).toString("base64url")}:APA91b${randomBytes(100).toString("base64url")}`;
}

function messageTo(token: string): PushMessage {
  const message = pushMessage({ kind: "won", gameId: "K7M2QX9P", data: { cardId: "42" }, at: AT }, { playerId: "p", token, platform: "android" }, AT);
  if (message === null) throw new Error("expired");
  return message;
}

function capture(): { lines: object[]; sender: LogPushSender } {
  const lines: object[] = [];
  return { lines, sender: new LogPushSender((line) => lines.push(line)) };
}

test("logs one line per message and answers ok for each", async () => {
  const { lines, sender } = capture();
  const tokens = [fcmLikeToken(), fcmLikeToken(), fcmLikeToken()];

  const outcomes = await sender.send(tokens.map(messageTo));

  expect(outcomes).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
  expect(lines).toHaveLength(3);
  expect(lines[0]).toEqual({
    token: `${tokens[0]?.slice(0, 8)}…`,
    data: { type: "won", gameId: "K7M2QX9P", cardId: "42" },
    collapseKey: "won:K7M2QX9P",
    ttlMs: 24 * 60 * 60 * 1000,
  });
});

test("never logs a whole token, only its first 8 characters and an ellipsis", async () => {
  const { lines, sender } = capture();
  const tokens = Array.from({ length: 50 }, fcmLikeToken);

  await sender.send(tokens.map(messageTo));

  lines.forEach((line, i) => {
    const token = tokens[i] ?? "";
    const text = JSON.stringify(line);
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.slice(0, 9));
    expect(line).toMatchObject({ token: `${token.slice(0, 8)}…` });
  });
});

test("a short token is cut to at most half of it", () => {
  expect(shortToken("abcdefghijklmnop")).toBe("abcdefgh…");
  expect(shortToken("abcdefgh")).toBe("abcd…");
  expect(shortToken("abc")).toBe("a…");
  expect(shortToken("a")).toBe("…");
  expect(shortToken("")).toBe("…");
});

test("an empty batch logs nothing; more than 500 is refused like FCM's", async () => {
  const { lines, sender } = capture();

  await expect(sender.send([])).resolves.toEqual([]);
  const tooMany = Array.from({ length: MAX_PUSH_BATCH + 1 }, () => messageTo(fcmLikeToken()));
  await expect(sender.send(tooMany)).rejects.toThrow(RangeError);
  expect(lines).toHaveLength(0);
  await expect(sender.send(tooMany.slice(1))).resolves.toHaveLength(MAX_PUSH_BATCH);
});

test("shortening twice changes nothing (the log sender shortens, then the logger's redaction again)", () => {
  const token = fcmLikeToken();
  expect(shortToken(shortToken(token))).toBe(`${token.slice(0, 8)}…`);
  expect(shortToken(shortToken("abcdefgh"))).toBe("abcd…");
});

test("through the node's logger a pushed token still shows its first 8 characters", async () => {
  const written: string[] = [];
  const log = createLogger({ logLevel: "info", nodeId: "n" }, { write: (line: string) => void written.push(line) });
  const token = fcmLikeToken();
  await new LogPushSender((line) => log.info(line, "push")).send([messageTo(token)]);
  expect(JSON.parse(written[0] ?? "{}")).toMatchObject({ token: `${token.slice(0, 8)}…` });
});
