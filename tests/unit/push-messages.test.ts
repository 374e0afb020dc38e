import fc from "fast-check";
import {
  PUSH_KINDS,
  PUSH_TTL_MS,
  collapseKey,
  pushMessage,
  type Platform,
  type PushEvent,
  type PushKind,
  type PushMessage,
  type PushTarget,
} from "../../server/domain/push-messages";
import { newGameId } from "../../server/game/game-ids";

const AT = 1_700_000_000_000;
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const TARGET: PushTarget = { playerId: "player-1", token: "token-1", platform: "android" };

function event(kind: PushKind, gameId = "K7M2QX9P", data: Record<string, string> = {}): PushEvent {
  return { kind, gameId, data, at: AT };
}

function sent(kind: PushKind, now: number, gameId?: string, target: PushTarget = TARGET): PushMessage {
  const message = pushMessage(event(kind, gameId), target, now);
  if (message === null) throw new Error(`${kind} expired at ${now}`);
  return message;
}

const kindArb = fc.constantFrom(...PUSH_KINDS);

function sent2(pushEvent: PushEvent): PushMessage {
  const message = pushMessage(pushEvent, TARGET, AT);
  if (message === null) throw new Error("expired");
  return message;
}

describe("pushMessage: TTL", () => {
  test("each kind lives as long as it stays true", () => {
    expect(PUSH_TTL_MS).toEqual({ claims: 10 * MINUTE, "claims-closed": HOUR, "round-start": 30 * MINUTE, won: 24 * HOUR, finished: 24 * HOUR, next: 2 * HOUR });
  });

  test.each(PUSH_KINDS)("%s sent at once gets its whole TTL on every platform's clock", (kind) => {
    const message = sent(kind, AT);
    expect(message.android.ttl).toBe(PUSH_TTL_MS[kind]);
    expect(message.webpush.headers.TTL).toBe(String(PUSH_TTL_MS[kind] / SECOND));
    expect(message.apns.headers["apns-expiration"]).toBe(String((AT + PUSH_TTL_MS[kind]) / SECOND));
  });

  test("the TTL counts down from the event: a message that waited lives only what is left", () => {
    fc.assert(
      fc.property(kindArb, fc.nat(), (kind, waitedRaw) => {
        const ttl = PUSH_TTL_MS[kind];
        const waited = waitedRaw % ttl;
        const message = sent(kind, AT + waited);
        expect(message.android.ttl).toBe(ttl - waited);
        expect(message.webpush.headers.TTL).toBe(String(Math.ceil((ttl - waited) / SECOND)));
        // The APNs expiry is an instant: the event time plus the TTL, however long it waited.
        expect(message.apns.headers["apns-expiration"]).toBe(String(Math.floor((AT + ttl) / SECOND)));
      }),
    );
  });

  test("an event stamped later than now (another node's clock) gets its whole TTL, never more", () => {
    const message = sent("claims", AT - 5 * SECOND);
    expect(message.android.ttl).toBe(PUSH_TTL_MS.claims);
  });

  test.each(PUSH_KINDS)("%s is not sent once expired (null), and still is 1 ms before", (kind) => {
    const ttl = PUSH_TTL_MS[kind];
    expect(pushMessage(event(kind), TARGET, AT + ttl)).toBeNull();
    expect(pushMessage(event(kind), TARGET, AT + ttl + HOUR)).toBeNull();
    const last = sent(kind, AT + ttl - 1);
    expect(last.android.ttl).toBe(1);
    expect(last.webpush.headers.TTL).toBe("1");
  });
});

describe("pushMessage: collapsing", () => {
  test("one collapse key per kind per game, the same on Android and APNs", () => {
    const games = ["K7M2QX9P", "ABCDEFGH"];
    const keys = new Set<string>();
    for (const gameId of games) {
      for (const kind of PUSH_KINDS) {
        const message = sent(kind, AT, gameId);
        expect(message.android.collapseKey).toBe(collapseKey(kind, gameId));
        expect(message.apns.headers["apns-collapse-id"]).toBe(collapseKey(kind, gameId));
        keys.add(message.android.collapseKey);
      }
    }
    expect(keys.size).toBe(games.length * PUSH_KINDS.length);
    expect(collapseKey("claims", "K7M2QX9P")).toBe("claims:K7M2QX9P");
  });

  test("the key does not depend on the player, token, platform, data or send time", () => {
    const platforms: Platform[] = ["android", "ios", "web"];
    for (const kind of PUSH_KINDS) {
      const messages = platforms.map((platform, i) =>
        pushMessage(event(kind, "K7M2QX9P", { n: String(i) }), { playerId: `p${i}`, token: `t${i}`, platform }, AT + i * SECOND),
      );
      const keys = messages.map((m) => [m?.android.collapseKey, m?.apns.headers["apns-collapse-id"], m?.webpush.headers.Topic]);
      expect(new Set(keys.map((k) => JSON.stringify(k))).size).toBe(1);
    }
  });

  test("the web push Topic is at most 32 characters of [A-Za-z0-9_-], for any game id", () => {
    fc.assert(
      fc.property(kindArb, fc.string({ unit: "binary", maxLength: 80 }), (kind, gameId) => {
        expect(sent(kind, AT, gameId).webpush.headers.Topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
      }),
    );
  });

  test("for real game codes the Topic is the whole collapse key (nothing cut), distinct per kind and game; the APNs collapse id fits its 64 bytes", () => {
    const topics = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const gameId = newGameId();
      for (const kind of PUSH_KINDS) {
        const message = sent(kind, AT, gameId);
        expect(message.webpush.headers.Topic).toBe(`${kind}_${gameId}`);
        expect(Buffer.byteLength(message.apns.headers["apns-collapse-id"] ?? "")).toBeLessThanOrEqual(64);
        topics.add(message.webpush.headers.Topic ?? "");
      }
    }
    expect(topics.size).toBe(50 * PUSH_KINDS.length);
  });
});

describe("pushMessage: shape", () => {
  const IOS = { playerId: "p", token: "tok", platform: "ios" } as const;
  const LINK = { linkBase: "https://shows.example/" };

  test("won is an alert: notification, Android high priority on the results channel with loc keys, APNs alert priority 10, web notification with the game link", () => {
    const data = { pattern: "line", ballIndex: "12", prizeEach: "2500" };
    expect(pushMessage(event("won", "K7M2QX9P", data), IOS, AT + 2 * SECOND, LINK)).toEqual({
      token: "tok",
      data: { type: "won", gameId: "K7M2QX9P", ...data },
      notification: { title: "You won!", body: "Your card completed line." },
      android: {
        collapseKey: "won:K7M2QX9P",
        priority: "high",
        ttl: 24 * HOUR - 2 * SECOND,
        notification: {
          channelId: "bingo_results",
          title: "You won!",
          body: "Your card completed line.",
          titleLocKey: "push_won_title",
          bodyLocKey: "push_won_body",
          bodyLocArgs: ["line", "2500"],
          sound: "default",
        },
      },
      apns: {
        headers: {
          "apns-collapse-id": "won:K7M2QX9P",
          "apns-push-type": "alert",
          "apns-priority": "10",
          "apns-expiration": String((AT + 24 * HOUR) / SECOND),
        },
        payload: {
          aps: {
            alert: { title: "You won!", body: "Your card completed line.", titleLocKey: "push_won_title", locKey: "push_won_body", locArgs: ["line", "2500"] },
            sound: "default",
          },
        },
      },
      webpush: {
        headers: { TTL: String(24 * 60 * 60 - 2), Topic: "won_K7M2QX9P", Urgency: "high" },
        notification: { title: "You won!", body: "Your card completed line.", tag: "won:K7M2QX9P" },
        fcmOptions: { link: "https://shows.example/play/K7M2QX9P" },
      },
    });
  });

  test("the opening of claims is an alert on the claims channel, with the number of cards as its argument", () => {
    const message = sent2(event("claims", "K7M2QX9P", { state: "open", opening: "true", remaining: "500", total: "500", version: "1" }));
    expect(message.notification).toEqual({ title: "Claims are open", body: "500 cards to claim. Be quick!" });
    expect(message.android.notification).toMatchObject({ channelId: "bingo_claims", titleLocKey: "push_claims_open_title", bodyLocKey: "push_claims_open_body", bodyLocArgs: ["500"] });
    expect(message.apns.payload.aps).toMatchObject({ alert: { titleLocKey: "push_claims_open_title", locKey: "push_claims_open_body", locArgs: ["500"] } });
    expect(message.apns.headers["apns-priority"]).toBe("10");
  });

  test("the round start is an alert on the game channel, with no arguments", () => {
    const message = sent2(event("round-start", "K7M2QX9P", { version: "7" }));
    expect(message.android).toMatchObject({ priority: "high", notification: { channelId: "bingo_game", titleLocKey: "push_round_start_title", bodyLocKey: "push_round_start_body", bodyLocArgs: [] } });
    expect(message.apns.headers["apns-push-type"]).toBe("alert");
  });

  test.each([
    ["a count", event("claims", "K7M2QX9P", { state: "open", remaining: "99", total: "500", version: "4" })],
    ["claims-closed", event("claims-closed", "K7M2QX9P", { reason: "sold-out" })],
    ["finished", event("finished", "K7M2QX9P", { seed: "ab" })],
  ])("%s is a silent refresh: no notification, Android normal priority, APNs background priority 5, web low urgency", (_name, silent) => {
    const message = sent2(silent);
    expect(message).not.toHaveProperty("notification");
    expect(message.android).toEqual({ collapseKey: collapseKey(silent.kind, "K7M2QX9P"), priority: "normal", ttl: PUSH_TTL_MS[silent.kind] });
    expect(message.apns.headers).toMatchObject({ "apns-push-type": "background", "apns-priority": "5" });
    expect(message.apns.payload).toEqual({ aps: { contentAvailable: true } });
    expect(message.webpush).toEqual({ headers: { TTL: String(PUSH_TTL_MS[silent.kind] / SECOND), Topic: `${silent.kind}_K7M2QX9P`, Urgency: "normal" } });
  });

  test("next is an alert on the game channel whose web link leads to the next game", () => {
    const message = pushMessage(event("next", "K7M2QX9P", { next: "N3XTG4ME" }), TARGET, AT, { linkBase: "https://shows.example" });
    expect(message?.notification).toEqual({ title: "The next game is starting", body: "Same room, new cards: tap to join." });
    expect(message?.android).toMatchObject({ priority: "high", notification: { channelId: "bingo_game", titleLocKey: "push_next_game_title" } });
    expect(message?.data).toEqual({ type: "next", gameId: "K7M2QX9P", next: "N3XTG4ME" });
    expect(message?.webpush.fcmOptions).toEqual({ link: "https://shows.example/play/N3XTG4ME" });
  });

  test("without PUSH_LINK_BASE_URL a web alert carries no link; a base with a path keeps it", () => {
    expect(sent2(event("round-start")).webpush).not.toHaveProperty("fcmOptions");
    const message = pushMessage(event("round-start", "K7M2QX9P"), TARGET, AT, { linkBase: "https://shows.example/bingo" });
    expect(message?.webpush.fcmOptions).toEqual({ link: "https://shows.example/bingo/play/K7M2QX9P" });
  });

  test("the data carries the kind and the game next to the event's own fields, all strings", () => {
    fc.assert(
      fc.property(kindArb, fc.dictionary(fc.stringMatching(/^[a-z][a-zA-Z]{0,11}$/), fc.string()), (kind, data) => {
        fc.pre(!("type" in data) && !("gameId" in data));
        const message = pushMessage(event(kind, "K7M2QX9P", data), TARGET, AT);
        expect(message?.data).toEqual({ ...data, type: kind, gameId: "K7M2QX9P" });
        expect(Object.values(message?.data ?? {}).every((value) => typeof value === "string")).toBe(true);
      }),
    );
  });
});
