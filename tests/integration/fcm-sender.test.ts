import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deleteApp, getApp, getApps } from "firebase-admin/app";
import { PUSH_KINDS, pushMessage, type Platform, type PushEvent, type PushKind, type PushMessage } from "../../server/domain/push-messages";
import { MAX_PUSH_BATCH, type PushOutcome } from "../../server/ports/push-sender";
import { FcmPushSender, PUSH_APP_NAME, fcmSenderFromEnv } from "../../server/push/fcm-sender";
import { fakeFcmMessaging, startFakeFcm, type FakeFcm, type FakeFcmMessaging } from "../support/fake-fcm";

/**
 * FcmPushSender through the real firebase-admin SDK, against a local FCM v1 endpoint
 * (tests/support/fake-fcm.ts): what FCM receives, and how its answers become outcomes.
 */

const PROJECT = "bingo-test-project";
const GAME = "K7M2QX9P";
/** The event happened at AT; the outbox sends it 1.234 s later. */
const AT = 1_700_000_000_000;
const NOW = AT + 1_234;

const SAMPLE_DATA: { readonly [K in PushKind]: Record<string, string> } = {
  claims: { open: "true", left: "120", version: "7" },
  "claims-closed": { reason: "sold-out", version: "9" },
  "round-start": { round: "1" },
  won: { pattern: "line", ballIndex: "12", prizeEach: "50" },
  finished: { seed: "a3f9" },
  next: { next: "N3XTG4ME" },
};

/** What FCM must receive per kind for that event (TTL counted from AT, sent at NOW). */
const WIRE: { readonly [K in PushKind]: { ttl: string; webTtl: string; expiration: string; topic: string } } = {
  claims: { ttl: "598.766000000s", webTtl: "599", expiration: "1700000600", topic: "claims_K7M2QX9P" },
  "claims-closed": { ttl: "3598.766000000s", webTtl: "3599", expiration: "1700003600", topic: "claims-closed_K7M2QX9P" },
  "round-start": { ttl: "1798.766000000s", webTtl: "1799", expiration: "1700001800", topic: "round-start_K7M2QX9P" },
  won: { ttl: "86398.766000000s", webTtl: "86399", expiration: "1700086400", topic: "won_K7M2QX9P" },
  finished: { ttl: "86398.766000000s", webTtl: "86399", expiration: "1700086400", topic: "finished_K7M2QX9P" },
  next: { ttl: "7198.766000000s", webTtl: "7199", expiration: "1700007200", topic: "next_K7M2QX9P" },
};

/** What an alert kind adds on the wire (firebase-admin's snake_case and APNs' dashed keys). */
const ALERT_WIRE: { readonly [K in PushKind]?: { title: string; body: string; channel: string; key: string; args: string[] } } = {
  "round-start": { title: "The game is starting", body: "The first ball is about to be drawn.", channel: "bingo_game", key: "push_round_start", args: [] },
  won: { title: "You won!", body: "Your card completed line.", channel: "bingo_results", key: "push_won", args: ["line", "50"] },
  next: { title: "The next game is starting", body: "Same room, new cards: tap to join.", channel: "bingo_game", key: "push_next_game", args: [] },
};

function expectedWire(kind: PushKind, tokenValue: string): object {
  const wire = WIRE[kind];
  const alert = ALERT_WIRE[kind];
  const base = {
    token: tokenValue,
    data: { type: kind, gameId: GAME, ...SAMPLE_DATA[kind] },
  };
  const apnsHeaders = { "apns-collapse-id": `${kind}:${GAME}`, "apns-expiration": wire.expiration };
  if (!alert) {
    return {
      ...base,
      android: { collapse_key: `${kind}:${GAME}`, priority: "normal", ttl: wire.ttl },
      apns: { headers: { ...apnsHeaders, "apns-push-type": "background", "apns-priority": "5" }, payload: { aps: { "content-available": 1 } } },
      webpush: { headers: { TTL: wire.webTtl, Topic: wire.topic, Urgency: "normal" } },
    };
  }
  return {
    ...base,
    notification: { title: alert.title, body: alert.body },
    android: {
      collapse_key: `${kind}:${GAME}`,
      priority: "high",
      ttl: wire.ttl,
      notification: {
        title: alert.title,
        body: alert.body,
        channel_id: alert.channel,
        title_loc_key: `${alert.key}_title`,
        body_loc_key: `${alert.key}_body`,
        body_loc_args: alert.args,
        sound: "default",
      },
    },
    apns: {
      headers: { ...apnsHeaders, "apns-push-type": "alert", "apns-priority": "10" },
      payload: { aps: { alert: { title: alert.title, body: alert.body, "title-loc-key": `${alert.key}_title`, "loc-key": `${alert.key}_body`, "loc-args": alert.args }, sound: "default" } },
    },
    webpush: { headers: { TTL: wire.webTtl, Topic: wire.topic, Urgency: "high" }, notification: { title: alert.title, body: alert.body, tag: `${kind}:${GAME}` } },
  };
}

const PLATFORMS: readonly Platform[] = ["android", "ios", "web"];

function event(kind: PushKind): PushEvent {
  return { kind, gameId: GAME, data: SAMPLE_DATA[kind], at: AT };
}

/** A token that looks like an FCM registration token, unique per label. */
function token(label: string): string {
  return `${label}:APA91b${"x".repeat(140)}`;
}

/** A valid message to `tokenValue` (a "claims" event). */
function messageTo(tokenValue: string): PushMessage {
  const message = pushMessage(event("claims"), { playerId: "p", token: tokenValue, platform: "android" }, NOW);
  if (message === null) throw new Error("expired");
  return message;
}

const OK: PushOutcome = { ok: true };
const UNREGISTERED: PushOutcome = { ok: false, code: "messaging/registration-token-not-registered", retry: false, dropToken: true };
/** Token-level or payload-level: the sender cannot tell, so it never says "drop" on it alone. */
const INVALID: PushOutcome = { ok: false, code: "messaging/invalid-argument", retry: false, dropToken: false, ambiguous: true };
const RATE: PushOutcome = { ok: false, code: "messaging/message-rate-exceeded", retry: true, dropToken: false };
const INTERNAL: PushOutcome = { ok: false, code: "messaging/internal-error", retry: true, dropToken: false };
const MISMATCH: PushOutcome = { ok: false, code: "messaging/mismatched-credential", retry: false, dropToken: false };

let fake: FakeFcm;
const opened: FakeFcmMessaging[] = [];

function sender(options: Parameters<typeof fakeFcmMessaging>[2] = {}): FcmPushSender {
  const fcm = fakeFcmMessaging(fake, PROJECT, options);
  opened.push(fcm);
  return new FcmPushSender(fcm.messaging);
}

beforeAll(async () => {
  fake = await startFakeFcm();
});

beforeEach(() => {
  fake.reset();
});

afterAll(async () => {
  await Promise.all(opened.map((fcm) => fcm.close()));
  await fake?.close();
});

// sendEach goes over HTTP/2 by default (production); the legacy HTTP/1.1 transport is covered too.
describe.each(["http2", "http1"] as const)("FcmPushSender over %s", (transport) => {
  let push: FcmPushSender;
  beforeAll(() => {
    push = sender({ transport });
  });

  test("FCM receives exactly this JSON for an android, an ios and a web token of every push kind", async () => {
    const messages = PUSH_KINDS.flatMap((kind) =>
      PLATFORMS.map((platform) => {
        const message = pushMessage(event(kind), { playerId: `player-${platform}`, token: token(`${kind}-${platform}`), platform }, NOW);
        if (message === null) throw new Error(`${kind} expired`);
        return message;
      }),
    );

    const outcomes = await push.send(messages);

    expect(outcomes).toEqual(messages.map(() => OK));
    expect(fake.requests).toHaveLength(PUSH_KINDS.length * PLATFORMS.length);
    for (const kind of PUSH_KINDS) {
      for (const platform of PLATFORMS) {
        const tokenValue = token(`${kind}-${platform}`);
        const received = fake.requests.filter((request) => request.token === tokenValue);
        expect(received).toHaveLength(1);
        expect(received[0]?.body).toEqual({ message: expectedWire(kind, tokenValue) });
      }
    }
  });

  test("one message on the wire, byte for byte", async () => {
    await push.send([messageTo("tok-android-1")]);

    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.raw).toBe(
      '{"message":{"token":"tok-android-1",' +
        '"data":{"type":"claims","gameId":"K7M2QX9P","open":"true","left":"120","version":"7"},' +
        '"android":{"priority":"normal","ttl":"598.766000000s","collapse_key":"claims:K7M2QX9P"},' +
        '"apns":{"headers":{"apns-collapse-id":"claims:K7M2QX9P","apns-expiration":"1700000600",' +
        '"apns-push-type":"background","apns-priority":"5"},"payload":{"aps":{"content-available":1}}},' +
        '"webpush":{"headers":{"TTL":"599","Topic":"claims_K7M2QX9P","Urgency":"normal"}}}}',
    );
  });

  test("each request is a POST to the project's messages:send, with the access token as a Bearer", async () => {
    await push.send([messageTo(token("a")), messageTo(token("b"))]);

    expect(fake.requests).toHaveLength(2);
    for (const request of fake.requests) {
      expect(request.httpVersion).toBe(transport === "http2" ? "2.0" : "1.1");
      expect(request.method).toBe("POST");
      expect(request.path).toBe(`/v1/projects/${PROJECT}/messages:send`);
      expect(request.headers.authorization).toBe("Bearer test-token");
      expect(request.headers["content-type"]).toBe("application/json;charset=utf-8");
      expect(request.headers["x-firebase-client"]).toMatch(/^fire-admin-node\/13\./);
      expect(request.body?.validate_only).toBeUndefined();
    }
  });

  test("a batch of 500 is 500 requests, one outcome each; 501 is refused before anything is sent", async () => {
    const batch = Array.from({ length: MAX_PUSH_BATCH }, (_, i) => messageTo(token(`batch-${i}`)));

    const outcomes = await push.send(batch);

    expect(outcomes).toEqual(batch.map(() => OK));
    expect(fake.requests).toHaveLength(500);
    expect(new Set(fake.requests.map((request) => request.token))).toEqual(new Set(batch.map((message) => message.token)));

    fake.reset();
    await expect(push.send([...batch, messageTo(token("one-too-many"))])).rejects.toThrow(RangeError);
    expect(fake.requests).toHaveLength(0);
  });

  test("an empty batch sends nothing", async () => {
    await expect(push.send([])).resolves.toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  test("UNREGISTERED drops the token; INVALID_ARGUMENT is ambiguous (never dropped by itself); 429 and 500 are retried; SENDER_ID_MISMATCH neither", async () => {
    fake.fail(token("gone"), "unregistered");
    fake.fail(token("garbage"), "invalid-argument");
    fake.fail(token("throttled"), "quota-exceeded");
    fake.fail(token("broken"), "internal");
    fake.fail(token("other-project"), "sender-id-mismatch");

    const outcomes = await push.send(["gone", "garbage", "throttled", "broken", "other-project"].map((label) => messageTo(token(label))));

    expect(outcomes).toEqual([UNREGISTERED, INVALID, RATE, INTERNAL, MISMATCH]);
    expect(fake.requests.map((request) => request.status).sort()).toEqual([400, 403, 404, 429, 500]);
  });

  test("mixed outcomes come back in the order of the messages", async () => {
    const labels = ["ok-1", "gone", "ok-2", "throttled", "garbage", "ok-3", "broken", "ok-4"];
    fake.fail(token("gone"), "unregistered");
    fake.fail(token("throttled"), "quota-exceeded");
    fake.fail(token("garbage"), "invalid-argument");
    fake.fail(token("broken"), "internal");

    const outcomes = await push.send(labels.map((label) => messageTo(token(label))));

    expect(outcomes).toEqual([OK, UNREGISTERED, OK, RATE, INVALID, OK, INTERNAL, OK]);
  });

  test("a failure configured for 1 time fails once: the next send to that token is ok", async () => {
    fake.fail(token("once"), "quota-exceeded", 1);

    expect(await push.send([messageTo(token("once"))])).toEqual([RATE]);
    expect(await push.send([messageTo(token("once"))])).toEqual([OK]);
  });

  test("the SDK retries a 503 by itself (the first retry without delay)", async () => {
    fake.fail(token("blip"), "unavailable", 1);

    expect(await push.send([messageTo(token("blip"))])).toEqual([OK]);
    expect(fake.requests.map((request) => request.status)).toEqual([503, 200]);
  });

  test("while FCM holds the requests the send stays pending; it settles when they are answered", async () => {
    fake.hold();
    let settled = false;
    const sending = push.send([messageTo(token("h1")), messageTo(token("h2")), messageTo(token("h3"))]).finally(() => {
      settled = true;
    });

    await fake.waitForRequests(3);
    expect(settled).toBe(false);
    expect(fake.requests.map((request) => request.status)).toEqual([undefined, undefined, undefined]);

    fake.release();
    expect(await sending).toEqual([OK, OK, OK]);
  });

  test("without an access token the whole send rejects and nothing reaches FCM", async () => {
    const unauthenticated = sender({
      transport,
      credential: {
        getAccessToken: async () => {
          throw new Error("metadata server unreachable");
        },
      },
    });

    await expect(unauthenticated.send([messageTo(token("a")), messageTo(token("b"))])).rejects.toMatchObject({
      code: "app/invalid-credential",
    });
    expect(fake.requests).toHaveLength(0);
  });
});

describe("FCM unreachable", () => {
  let closed: FakeFcm;
  beforeAll(async () => {
    closed = await startFakeFcm();
    await closed.close();
  });

  test("over HTTP/2 (production) the whole send rejects: no session, nothing attempted", async () => {
    const unreachable = fakeFcmMessaging(closed, PROJECT);
    opened.push(unreachable);

    await expect(new FcmPushSender(unreachable.messaging).send([messageTo(token("a")), messageTo(token("b"))])).rejects.toMatchObject({
      code: "messaging/app/network-error",
    });
  });

  test("over the legacy HTTP/1.1 transport every message fails as a retryable network error", async () => {
    const unreachable = fakeFcmMessaging(closed, PROJECT, { transport: "http1" });
    opened.push(unreachable);

    const outcomes = await new FcmPushSender(unreachable.messaging).send([messageTo(token("a")), messageTo(token("b"))]);

    const network: PushOutcome = { ok: false, code: "app/network-error", retry: true, dropToken: false };
    expect(outcomes).toEqual([network, network]);
  });
});

describe("fcmSenderFromEnv", () => {
  const dir = mkdtempSync(join(tmpdir(), "bingo-fcm-"));

  afterAll(async () => {
    if (getApps().some((app) => app.name === PUSH_APP_NAME)) await deleteApp(getApp(PUSH_APP_NAME));
    rmSync(dir, { recursive: true, force: true });
  });

  test("builds a sender on the 'bingo-push' app from a service-account file, once per process", () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const path = join(dir, "service-account.json");
    writeFileSync(
      path,
      JSON.stringify({
        type: "service_account",
        project_id: "file-project",
        private_key_id: "k1",
        private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
        client_email: "push@file-project.iam.gserviceaccount.com",
        client_id: "1",
      }),
    );

    expect(fcmSenderFromEnv("bingo-prod", path)).toBeInstanceOf(FcmPushSender);
    expect(getApp(PUSH_APP_NAME).options.projectId).toBe("bingo-prod");
    expect(fcmSenderFromEnv("bingo-prod", path)).toBeInstanceOf(FcmPushSender);
    expect(getApps().filter((app) => app.name === PUSH_APP_NAME)).toHaveLength(1);
  });

  test("a missing credentials file fails at once", async () => {
    if (getApps().some((app) => app.name === PUSH_APP_NAME)) await deleteApp(getApp(PUSH_APP_NAME));

    expect(() => fcmSenderFromEnv("bingo-prod", join(dir, "missing.json"))).toThrow(/missing\.json|credential/i);
    expect(getApps().some((app) => app.name === PUSH_APP_NAME)).toBe(false);
  });
});
