import { AsyncLocalStorage } from "node:async_hooks";
import https = require("node:https");
import http2 = require("node:http2");
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import tls = require("node:tls");
import { randomUUID } from "node:crypto";
import { deleteApp, initializeApp, type Credential } from "firebase-admin/app";
import { getMessaging, type Messaging } from "firebase-admin/messaging";
import { generate } from "selfsigned";

/**
 * A local stand-in for the FCM v1 HTTP API (`POST /v1/projects/<id>/messages:send`), served
 * over TLS with HTTP/2 and HTTP/1.1 on one port, for driving the REAL firebase-admin SDK.
 *
 * FCM has no emulator and the SDK has `fcm.googleapis.com` built in, so
 * `fakeFcmMessaging()` below points a firebase-admin app at this server: see there.
 */

/** The FCM host the SDK talks to; the fake's certificate is issued for it. */
export const FCM_HOST = "fcm.googleapis.com";

/**
 * Failures the fake can answer for a token, each as FCM v1 answers it, and the code the SDK
 * then reports:
 * - unregistered: 404 NOT_FOUND / UNREGISTERED → messaging/registration-token-not-registered
 * - invalid-argument: 400 INVALID_ARGUMENT → messaging/invalid-argument
 * - quota-exceeded: 429 RESOURCE_EXHAUSTED / QUOTA_EXCEEDED → messaging/message-rate-exceeded
 * - internal: 500 INTERNAL → messaging/internal-error
 * - unavailable: 503 UNAVAILABLE → messaging/server-unavailable. The SDK retries 503 itself
 *   (4 retries, ~7 s of back-off) before reporting it: prefer quota-exceeded or internal for
 *   "transient" in tests, or fail only `times` ≤ 4 to see the SDK's own retry succeed.
 * - sender-id-mismatch: 403 PERMISSION_DENIED / SENDER_ID_MISMATCH → messaging/mismatched-credential
 * - third-party-auth: 401 UNAUTHENTICATED / THIRD_PARTY_AUTH_ERROR → messaging/third-party-auth-error
 */
export type FcmFailure =
  | "unregistered"
  | "invalid-argument"
  | "quota-exceeded"
  | "internal"
  | "unavailable"
  | "sender-id-mismatch"
  | "third-party-auth";

const FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError";

const FAILURES: { readonly [K in FcmFailure]: { status: number; rpcStatus: string; errorCode: string; message: string } } = {
  unregistered: { status: 404, rpcStatus: "NOT_FOUND", errorCode: "UNREGISTERED", message: "Requested entity was not found." },
  "invalid-argument": {
    status: 400,
    rpcStatus: "INVALID_ARGUMENT",
    errorCode: "INVALID_ARGUMENT",
    message: "The registration token is not a valid FCM registration token",
  },
  "quota-exceeded": {
    status: 429,
    rpcStatus: "RESOURCE_EXHAUSTED",
    errorCode: "QUOTA_EXCEEDED",
    message: "Quota exceeded for quota metric 'Send requests' and limit 'Send requests per minute'.",
  },
  internal: { status: 500, rpcStatus: "INTERNAL", errorCode: "INTERNAL", message: "Internal error encountered." },
  unavailable: { status: 503, rpcStatus: "UNAVAILABLE", errorCode: "UNAVAILABLE", message: "The service is currently unavailable." },
  "sender-id-mismatch": { status: 403, rpcStatus: "PERMISSION_DENIED", errorCode: "SENDER_ID_MISMATCH", message: "SenderId mismatch" },
  "third-party-auth": {
    status: 401,
    rpcStatus: "UNAUTHENTICATED",
    errorCode: "THIRD_PARTY_AUTH_ERROR",
    message: "Auth error from APNS or Web Push Service",
  },
};

/** The error body FCM v1 answers (google.rpc.Status plus the FcmError detail the SDK reads). */
export function fcmErrorBody(status: number, rpcStatus: string, message: string, errorCode?: string): object {
  return {
    error: {
      code: status,
      message,
      status: rpcStatus,
      ...(errorCode ? { details: [{ "@type": FCM_ERROR_TYPE, errorCode }] } : {}),
    },
  };
}

/** One request the fake received, recorded when it arrived (held or not). */
export interface FcmRequest {
  /** "2.0" (the SDK's default for sendEach) or "1.1" (`send`, or the legacy transport). */
  readonly httpVersion: string;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body as sent (UTF-8). */
  readonly raw: string;
  /** The parsed JSON body (`{ message, validate_only? }`), or undefined when it was not JSON. */
  readonly body: { readonly message?: Record<string, unknown>; readonly validate_only?: boolean } | undefined;
  /** `body.message.token`, for convenience. */
  readonly token: string | undefined;
  /** The status the fake answered; undefined while the request is held. */
  readonly status: number | undefined;
}

export interface FakeFcm {
  readonly port: number;
  /** The self-signed certificate (PEM) the fake serves, for FCM_HOST, localhost and 127.0.0.1. */
  readonly cert: string;
  /** Every request, in arrival order. */
  readonly requests: readonly FcmRequest[];
  /** The `message` of every messages:send request, in arrival order. */
  messages(): Record<string, unknown>[];
  /** Answer `kind` for the next `times` requests to `token` (every one when omitted). */
  fail(token: string, kind: FcmFailure, times?: number): void;
  /** Hold every request from now on: each waits (recorded, unanswered) until `release()`. */
  hold(): void;
  /** Answer the held requests and stop holding. */
  release(): void;
  /** Resolves once `count` requests (held ones included) have arrived since the start or the last `reset()`. */
  waitForRequests(count: number): Promise<void>;
  /** Forget the recorded requests and configured failures (does not release held ones). */
  reset(): void;
  /** Drop every connection (held requests included: their senders see a network error) and stop. */
  close(): Promise<void>;
}

type AnyRequest = IncomingMessage | http2.Http2ServerRequest;
type AnyResponse = ServerResponse | http2.Http2ServerResponse;

/** Starts the fake on a free loopback port with a certificate generated for this run. */
export async function startFakeFcm(): Promise<FakeFcm> {
  const pems = await generate([{ name: "commonName", value: FCM_HOST }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(Date.now() - 60 * 60_000),
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: FCM_HOST },
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });

  const requests: (FcmRequest & { status: number | undefined })[] = [];
  const failures = new Map<string, { kind: FcmFailure; remaining: number }>();
  const waiters: { count: number; resolve: () => void }[] = [];
  let held: (() => void)[] = [];
  let holding = false;
  let sent = 0;

  const server = http2.createSecureServer({ key: pems.private, cert: pems.cert, allowHTTP1: true });
  const sockets = new Set<Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("secureConnection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("session", (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });

  const reply = (res: AnyResponse, record: { status: number | undefined }, status: number, body: object): void => {
    record.status = status;
    if (res.destroyed || res.writableEnded) return;
    const text = JSON.stringify(body);
    // The two response classes take the same arguments; their union is not callable as one.
    (res as ServerResponse).writeHead(status, { "content-type": "application/json; charset=UTF-8" });
    (res as ServerResponse).end(text);
  };

  const answer = (res: AnyResponse, record: FcmRequest & { status: number | undefined }, projectId: string | undefined): void => {
    if (projectId === undefined) {
      reply(res, record, 404, fcmErrorBody(404, "NOT_FOUND", `no such endpoint: ${record.method} ${record.path}`));
      return;
    }
    const authorization = record.headers.authorization;
    if (typeof authorization !== "string" || !/^Bearer \S+$/.test(authorization)) {
      reply(res, record, 401, fcmErrorBody(401, "UNAUTHENTICATED", "Request is missing required authentication credential."));
      return;
    }
    const message = record.body?.message;
    if (message === undefined || typeof message !== "object" || message === null) {
      reply(res, record, 400, fcmErrorBody(400, "INVALID_ARGUMENT", "Invalid JSON payload received.", "INVALID_ARGUMENT"));
      return;
    }
    const failure = record.token === undefined ? undefined : failures.get(record.token);
    if (failure && failure.remaining > 0) {
      failure.remaining -= 1;
      const spec = FAILURES[failure.kind];
      reply(res, record, spec.status, fcmErrorBody(spec.status, spec.rpcStatus, spec.message, spec.errorCode));
      return;
    }
    sent += 1;
    const id = record.body?.validate_only ? "fake_message_id" : `0:${sent}`;
    reply(res, record, 200, { name: `projects/${projectId}/messages/${id}` });
  };

  server.on("request", (req: AnyRequest, res: AnyResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: FcmRequest["body"];
      try {
        body = raw === "" ? undefined : (JSON.parse(raw) as FcmRequest["body"]);
      } catch {
        body = undefined;
      }
      const path = req.url ?? "";
      const token = body?.message?.token;
      const record = {
        httpVersion: req.httpVersion,
        method: req.method ?? "",
        path,
        headers: req.headers,
        raw,
        body,
        token: typeof token === "string" ? token : undefined,
        status: undefined as number | undefined,
      };
      requests.push(record);
      for (const waiter of [...waiters]) {
        if (requests.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
      const match = req.method === "POST" ? /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(path) : null;
      const respond = (): void => answer(res, record, match?.[1]);
      if (holding) held.push(respond);
      else respond();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as { port: number };

  return {
    port,
    cert: pems.cert,
    requests,
    messages: () =>
      requests.filter((r) => r.body?.message !== undefined).map((r) => r.body?.message as Record<string, unknown>),
    fail(token, kind, times = Number.POSITIVE_INFINITY) {
      failures.set(token, { kind, remaining: times });
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      const waiting = held;
      held = [];
      for (const respond of waiting) respond();
    },
    waitForRequests(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ count, resolve }));
    },
    reset() {
      requests.length = 0;
      failures.clear();
    },
    async close() {
      holding = false;
      held = [];
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/**
 * Which fake the HTTP/2 connections opened inside a `sendEach` call go to. Set around each
 * `sendEach` of a fake-backed Messaging (see below), so several fakes can be used at once.
 */
const route = new AsyncLocalStorage<{ port: number; ca: string }>();
const originalConnect = http2.connect;
let patchUsers = 0;

/**
 * `http2.connect` as the SDK calls it (`http2.connect("https://fcm.googleapis.com", opts)`),
 * redirected to the fake of the current `route`: TLS to 127.0.0.1:<port>, verified against the
 * fake's own certificate for FCM_HOST. Every other connection is left alone.
 *
 * The SDK sends `:scheme` as the URL protocol, "https:" (a bug; Google's front end accepts
 * it). Node's HTTP/2 server (nghttp2) refuses any scheme with a colon and resets the stream
 * (a PROTOCOL_ERROR the SDK reports per message), so requests on the redirected session get
 * `:scheme: "https"`. Nothing else the SDK sends is changed.
 */
const redirectingConnect = function connect(
  authority: string | URL,
  options?: http2.ClientSessionOptions | http2.SecureClientSessionOptions | ((session: http2.ClientHttp2Session, socket: Socket) => void),
  listener?: (session: http2.ClientHttp2Session, socket: Socket) => void,
): http2.ClientHttp2Session {
  const target = route.getStore();
  const url = typeof authority === "string" ? new URL(authority) : authority;
  if (target === undefined || url.hostname !== FCM_HOST) {
    return (originalConnect as (...args: unknown[]) => http2.ClientHttp2Session)(authority, options, listener);
  }
  const opts = typeof options === "function" ? {} : (options ?? {});
  const done = typeof options === "function" ? options : listener;
  const session = originalConnect(
    authority,
    {
      ...opts,
      createConnection: () =>
        tls.connect({ host: "127.0.0.1", port: target.port, servername: FCM_HOST, ca: target.ca, ALPNProtocols: ["h2"] }),
    },
    done,
  );
  const request = session.request.bind(session);
  session.request = (headers?: http2.OutgoingHttpHeaders, requestOptions?: http2.ClientSessionRequestOptions) =>
    request(headers && headers[":scheme"] === "https:" ? { ...headers, ":scheme": "https" } : headers, requestOptions);
  return session;
} as typeof http2.connect;

function usePatchedConnect(): () => void {
  if (patchUsers++ === 0) (http2 as { connect: typeof http2.connect }).connect = redirectingConnect;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--patchUsers === 0) (http2 as { connect: typeof http2.connect }).connect = originalConnect;
  };
}

export interface FakeFcmMessaging {
  /** A real firebase-admin Messaging whose requests go to the fake. */
  readonly messaging: Messaging;
  /** Deletes the app and undoes the redirection (when no other fake-backed Messaging is open). */
  close(): Promise<void>;
}

/**
 * A firebase-admin `Messaging` (of its own uniquely named app) whose requests reach `fake`:
 *
 * - Credential: a stub that hands out the access token "test-token" (no OAuth round trip).
 * - HTTP/1.1 (`send()`, and `sendEach()` with `transport: "http1"`, which calls
 *   `enableLegacyHttpTransport()`): the app's `httpAgent`, whose connections go to the fake.
 * - HTTP/2 (`sendEach()` by default, as in production): the SDK ignores `httpAgent` there and
 *   opens its own session with `http2.connect`, so `http2.connect` is wrapped while any
 *   fake-backed Messaging is open (see `redirectingConnect`), and this Messaging's `sendEach`
 *   runs inside a `route` to this fake. The SDK code that builds, sends and parses the
 *   requests is the real one, on both transports.
 *
 * TLS is verified on both transports, against the fake's certificate, for FCM_HOST.
 */
export function fakeFcmMessaging(
  fake: FakeFcm,
  projectId: string,
  options: {
    readonly transport?: "http2" | "http1";
    /** Replaces the stub credential (e.g. one that fails, to see an authentication outage). */
    readonly credential?: Credential;
  } = {},
): FakeFcmMessaging {
  const target = { port: fake.port, ca: fake.cert };
  const agent = new https.Agent({ keepAlive: true });
  agent.createConnection = () =>
    tls.connect({ host: "127.0.0.1", port: target.port, servername: FCM_HOST, ca: target.ca, ALPNProtocols: ["http/1.1"] });
  const app = initializeApp(
    {
      projectId,
      credential: options.credential ?? { getAccessToken: async () => ({ access_token: "test-token", expires_in: 3600 }) },
      httpAgent: agent,
    },
    `fake-fcm-${randomUUID()}`,
  );
  const messaging = getMessaging(app);
  let unpatch = (): void => undefined;
  if (options.transport === "http1") {
    messaging.enableLegacyHttpTransport();
  } else {
    unpatch = usePatchedConnect();
    const sendEach = messaging.sendEach.bind(messaging);
    messaging.sendEach = (messages, dryRun) => route.run(target, () => sendEach(messages, dryRun));
  }
  return {
    messaging,
    async close() {
      unpatch();
      await deleteApp(app);
      agent.destroy();
    },
  };
}
