import { hostname } from "node:os";
import { z } from "zod";
import type { WebPushSettings } from "../shared/protocol/push-config";
import { DEFAULT_AWARD_WINNERS_SHOWN } from "../shared/protocol/limits";
import { DEFAULT_COUNT_THRESHOLDS } from "./domain/push-thresholds";
import type { RedisNodeAddress } from "./store/redis/connection";

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** Asymmetric JWS algorithms a JWKS may sign with (AUTH_ALGORITHMS); HS256 and none are never among them. */
const ASYMMETRIC_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"] as const;

/** Where Google publishes the keys that sign Firebase Authentication ID tokens, as a JWKS. */
export const FIREBASE_JWKS_URL = "https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com";

/**
 * Every environment variable the server reads. docs/configuration.md's table mirrors
 * this list (a test checks that each name appears there).
 */
const envSchema = z.object({
  PORT: int(0, 65535).default(3000),
  LISTEN_BACKLOG: int(1, 65535).default(4096),
  HOST: z.string().trim().min(1).default("0.0.0.0"),
  REDIS_URL: z
    .string()
    .trim()
    .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
    .optional(),
  REDIS_CLUSTER_NODES: z
    .string()
    .trim()
    .transform((list) => list.split(",").map((seed) => seed.trim()))
    .pipe(z.array(z.string().regex(/^[^\s:,]+:\d{1,5}$/, "must be comma-separated host:port seeds")).min(1))
    .transform((seeds) => seeds.map((seed) => ({ host: seed.slice(0, seed.lastIndexOf(":")), port: Number(seed.slice(seed.lastIndexOf(":") + 1)) })))
    .pipe(z.array(z.object({ host: z.string(), port: z.number().int().min(1, "port must be 1–65535").max(65535, "port must be 1–65535") })))
    .optional(),
  AUTH_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  AUTH_MAX_TOKEN_TTL_S: int(60, 30 * 24 * 3600).default(86_400),
  AUTH_PROVIDER: z.enum(["firebase"], { message: "must be firebase (or unset: AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE name any other issuer)" }).optional(),
  AUTH_JWKS_URL: z.string().trim().url("must be the URL of the identity provider's key set (JWKS)").regex(/^https?:\/\//i, "must be an http(s) URL").optional(),
  AUTH_ALGORITHMS: z
    .string()
    .trim()
    .transform((list) => list.split(",").map((alg) => alg.trim()).filter((alg) => alg.length > 0))
    .pipe(z.array(z.enum(ASYMMETRIC_ALGORITHMS, { message: `must be comma-separated asymmetric algorithms among ${ASYMMETRIC_ALGORITHMS.join(", ")} (HS256 is AUTH_SECRET's)` })).min(1))
    .optional(),
  AUTH_ISSUER: z.string().trim().min(1).max(512).optional(),
  AUTH_AUDIENCE: z.string().trim().min(1).max(512).optional(),
  AUTH_ROLE_CLAIM: z.string().trim().min(1).max(128).default("role"),
  AUTH_HOST_SUBJECTS: z
    .string()
    .transform((list) => list.split(",").map((sub) => sub.trim()).filter((sub) => sub.length > 0))
    .optional(),
  AUTH_JWKS_TIMEOUT_MS: int(100, 60_000).default(5000),
  ALLOW_DEV_TOKENS: z.enum(["0", "1"], { message: "must be 0 or 1" }).optional(),
  NODE_ENV: z.string().trim().optional(),
  TICK_MS: int(1, 1000).default(50),
  MAX_CLAIMS_PER_TICK: int(1, 50_000).default(2000),
  SLOTS_MIN_INTERVAL_MS: int(0, 10_000).default(200),
  SLOTS_BROADCAST_PERCENT: int(1, 100).default(10),
  BROADCAST_SLICE_MS: int(0, 1000).default(10),
  CLAIM_GRACE_MS: int(0, 60_000).default(2000),
  AWARD_WINNERS_SHOWN: int(0, 10_000).default(DEFAULT_AWARD_WINNERS_SHOWN),
  BACKGROUND_GRACE_MS: int(0, 600_000).default(15_000),
  PUSH_COUNT_THRESHOLDS: z
    .string()
    .trim()
    // "none": only the opening and the close (an empty value counts as unset, like everywhere).
    .transform((list) => (list === "none" ? [] : list.split(",").map((item) => item.trim())))
    .pipe(z.array(z.string().regex(/^\d+$/, "must be comma-separated whole numbers, or none").transform(Number).pipe(z.number().int().min(1).max(10_000_000))).max(20))
    .transform((thresholds) => [...new Set(thresholds)].sort((a, b) => b - a))
    .default(() => [...DEFAULT_COUNT_THRESHOLDS]),
  PUSH_LINK_BASE_URL: z
    .string()
    .trim()
    .regex(/^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, "must be an https:// URL without query or fragment (FCM requires https links)")
    .optional(),
  PUSH_CLAIM_TIMEOUT_MS: int(100, 3_600_000).default(30_000),
  PRESENCE_HEARTBEAT_MS: int(50, 60_000).default(5000),
  MAX_PUSH_TOKENS_PER_PLAYER: int(1, 100).default(10),
  PUSH_TOKEN_TTL_DAYS: int(1, 365).default(30),
  FIREBASE_PROJECT_ID: z.string().trim().min(1).max(128).optional(),
  GOOGLE_APPLICATION_CREDENTIALS: z.string().trim().min(1).optional(),
  // The browser app's Firebase web config (public values, shown in any page that uses them).
  FIREBASE_WEB_API_KEY: z.string().trim().regex(/^[A-Za-z0-9_-]{10,128}$/, "must be the web app's apiKey (letters, digits, - and _)").optional(),
  FIREBASE_WEB_APP_ID: z.string().trim().regex(/^\d+:\d+:web:[0-9a-f]+$/, "must be the web app's appId, like 1:1234567890:web:abc123").optional(),
  FIREBASE_WEB_MESSAGING_SENDER_ID: z.string().trim().regex(/^\d{1,32}$/, "must be the project's messagingSenderId (digits)").optional(),
  FIREBASE_WEB_PROJECT_ID: z.string().trim().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "must be a Firebase project id (6-30 lower-case letters, digits, -)").optional(),
  FIREBASE_WEB_VAPID_KEY: z
    .string()
    .trim()
    .refine(isVapidPublicKey, "must be the web push certificate's public key (base64url of an uncompressed P-256 point, 87 characters)")
    .optional(),
  REDIS_COMMAND_TIMEOUT_MS: int(50, 60_000).default(2000),
  GAME_TTL_SECONDS: int(60, 365 * 24 * 3600).default(7 * 24 * 3600),
  SHUTDOWN_TIMEOUT_MS: int(100, 300_000).default(10_000),
  NODE_ID: z.string().trim().min(1).max(64).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  RATE_LIMIT_SOCKET_BURST: int(1, 1_000_000).default(100),
  RATE_LIMIT_SOCKET_PER_SECOND: int(1, 1_000_000).default(20),
  RATE_LIMIT_PLAYER_BURST: int(1, 1_000_000).default(200),
  RATE_LIMIT_PLAYER_PER_SECOND: int(1, 1_000_000).default(40),
  MAX_MESSAGE_BYTES: int(1024, 1024 * 1024).default(16 * 1024),
  MAX_CONNECTIONS: int(1, 1_000_000).default(20_000),
  MAX_SOCKETS_PER_PLAYER: int(1, 1_000_000).default(5),
  HANDSHAKE_TIMEOUT_MS: int(100, 600_000).default(5000),
  HANDSHAKE_MAX_MS: int(100, 600_000).default(30_000),
  MAX_HANDSHAKES: int(1, 1_000_000).default(5000),
  MAX_SEND_BUFFER_BYTES: int(16 * 1024, 1024 * 1024 * 1024).default(1024 * 1024),
  RATE_LIMIT_DISCONNECT_AFTER_MS: int(100, 3_600_000).default(10_000),
  MAX_PENDING_CLAIMS: int(1, 10_000_000).default(100_000),
  MAX_GAMES_PER_HOST: int(1, 100_000).default(20),
  CORS_ORIGINS: z
    .string()
    .trim()
    .transform((list) => list.split(",").map((origin) => origin.trim()).filter((origin) => origin.length > 0))
    .pipe(
      z.array(
        z
          .string()
          .regex(/^(\*|https?:\/\/[^/\s,]+)$/i, "must be * or comma-separated origins like https://example.com (scheme://host[:port], no path)")
          // As a browser spells it in the Origin header: lower case, no default port.
          .transform((origin) => (origin === "*" ? origin : new URL(origin).origin)),
      ),
    )
    .optional(),
});

/** A VAPID public key as the Firebase console shows it: base64url of 65 bytes starting 0x04. */
function isVapidPublicKey(key: string): boolean {
  if (!/^[A-Za-z0-9_-]{86,88}={0,2}$/.test(key)) return false;
  const bytes = Buffer.from(key, "base64url");
  return bytes.length === 65 && bytes[0] === 0x04;
}

const WEB_PUSH_REQUIRED = ["FIREBASE_WEB_API_KEY", "FIREBASE_WEB_APP_ID", "FIREBASE_WEB_MESSAGING_SENDER_ID", "FIREBASE_WEB_VAPID_KEY"] as const;

export const CONFIG_VARIABLES = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];

export interface Config {
  readonly port: number;
  readonly host: string;
  /** The kernel's queue of connections not yet accepted (capped by net.core.somaxconn); a full queue drops SYNs, which clients retry after 1, 3, 7 s. */
  readonly listenBacklog: number;
  readonly redisUrl: string | undefined;
  /** Seed nodes of a Redis Cluster; never set together with redisUrl. */
  readonly redisClusterNodes: readonly RedisNodeAddress[] | undefined;
  /**
   * HS256 tokens are checked with it. Unset outside production, or in production with an
   * identity provider (jwks): HS256 tokens are then refused, unless dev tokens are on (a
   * random secret for this process).
   */
  readonly authSecret: string | undefined;
  /** An identity provider's keys and what its tokens must say (AUTH_JWKS_URL or AUTH_PROVIDER=firebase); null: none. */
  readonly jwks: {
    readonly url: string;
    readonly algorithms: readonly string[];
    readonly issuer: string;
    readonly audience: string;
    readonly timeoutMs: number;
  } | null;
  /** Which provider tokens are hosts: the role claim, else the listed subjects. */
  readonly roles: { readonly claim: string; readonly hostSubjects: readonly string[] };
  /** Longest token lifetime accepted: caps `exp − iat` and `exp − now`. */
  readonly maxTokenTtlSeconds: number;
  /**
   * Whether POST /api/dev/token issues tokens (signed with the node's secret). Default: only
   * outside production and only without AUTH_SECRET or an identity provider; ALLOW_DEV_TOKENS=1
   * turns it on anywhere, =0 off.
   */
  readonly devTokens: boolean;
  /** NODE_ENV=production: refuses to start without AUTH_SECRET or an identity provider, serves no dev tokens unless asked. */
  readonly production: boolean;
  readonly tickMs: number;
  readonly maxClaimsPerTick: number;
  /** Least time between two `slots` broadcasts to one room on one node. */
  readonly slotsMinIntervalMs: number;
  /** Most of a node's time one room's `slots` broadcasts may take, in percent (the broadcast budget). */
  readonly slotsBroadcastPercent: number;
  /** Most time one event-loop turn spends writing a `slots` broadcast; the rest goes on in the next turns. */
  readonly broadcastSliceMs: number;
  /** How long after the next ball a bingo call for the previous one still counts. */
  readonly claimGraceMs: number;
  /** Winners an award lists to the room and in snapshots; the rest are counted, and each winner is told of their own cards. */
  readonly awardWinnersShown: number;
  /** A player whose last socket has been gone this long is reached by push. */
  readonly backgroundGraceMs: number;
  /** Remaining counts (highest first) whose crossing is pushed; empty: only the opening and the close. */
  readonly pushCountThresholds: readonly number[];
  /** Where a web push alert leads: `<base>/play/<gameId>`; unset: no link. */
  readonly pushLinkBase: string | undefined;
  /** An outbox entry a node took and did not finish within this is taken over by another. */
  readonly pushClaimTimeoutMs: number;
  /** Each node instance beats this often; one silent for 3 beats is dead and its players' sockets no longer count. */
  readonly presenceHeartbeatMs: number;
  /** Registering one more device drops the player's oldest. */
  readonly maxPushTokensPerPlayer: number;
  /** A device token not registered again for this many days is pruned. */
  readonly pushTokenTtlDays: number;
  /** FCM is on when both are set; otherwise pushes are logged. */
  readonly firebase: { readonly projectId: string; readonly credentialsPath: string } | null;
  /**
   * Web push in the browser player app, served to the page by GET /api/push-config. Null
   * (none of the FIREBASE_WEB_* variables set): the page does nothing push-related.
   */
  readonly webPush: WebPushSettings | null;
  readonly redisCommandTimeoutMs: number;
  readonly gameTtlSeconds: number;
  /** On SIGTERM the node drains and exits; past this it exits anyway. */
  readonly shutdownTimeoutMs: number;
  readonly nodeId: string;
  readonly logLevel: string;
  /** Token buckets for client events: `burst` events at once, refilled at `perSecond`. */
  readonly rateLimits: {
    readonly socket: RateLimit;
    /** Per player (the token's subject), over all its sockets on this node. */
    readonly player: RateLimit;
  };
  /** Largest Socket.IO frame a client may send; a larger one closes its connection. */
  readonly maxMessageBytes: number;
  /**
   * Most connections on this node, counting TCP connections that have not finished the
   * authenticated Socket.IO connect yet; more are refused at connect with UNAVAILABLE.
   */
  readonly maxConnections: number;
  /** Most sockets of one player (the token's subject) on this node; one more is refused with RATE_LIMITED. */
  readonly maxSocketsPerPlayer: number;
  /** A connection in its handshake (not yet the authenticated Socket.IO connect) that makes no progress for this long is closed. */
  readonly handshakeTimeoutMs: number;
  /** A connection that has not completed the authenticated Socket.IO connect within this is closed, however it progresses. */
  readonly handshakeMaxMs: number;
  /** WebSocket upgrades this node works on at once (until each one's Socket.IO connect is answered); more are turned away at the upgrade. */
  readonly maxHandshakes: number;
  /** A socket whose outgoing data not yet handed to the kernel passes this is disconnected (a client that does not read). */
  readonly maxSendBufferBytes: number;
  /** A socket whose events keep going over its rate limit this long is disconnected. */
  readonly rateLimitDisconnectAfterMs: number;
  /** Most card claims (and, separately, bingo calls) of one game waiting on this node; more are answered RATE_LIMITED. */
  readonly maxPendingClaims: number;
  /** Most unfinished games one host may have; one more `game:create` is refused TOO_MANY_GAMES. */
  readonly maxGamesPerHost: number;
  /**
   * Browser origins allowed to connect and to read the HTTP API ("*": any, with CORS
   * headers). Null (unset): sockets from any origin, HTTP without CORS headers.
   */
  readonly corsOrigins: readonly string[] | "*" | null;
}

export interface RateLimit {
  readonly burst: number;
  readonly perSecond: number;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** All of the web push variables or none: half a web config would fail in every visitor's browser. */
function webPushConfig(e: z.infer<typeof envSchema>): WebPushSettings | null {
  const { FIREBASE_WEB_API_KEY: apiKey, FIREBASE_WEB_APP_ID: appId, FIREBASE_WEB_MESSAGING_SENDER_ID: messagingSenderId, FIREBASE_WEB_VAPID_KEY: vapidKey } = e;
  const projectId = e.FIREBASE_WEB_PROJECT_ID ?? e.FIREBASE_PROJECT_ID;
  if (!apiKey && !appId && !messagingSenderId && !vapidKey && !e.FIREBASE_WEB_PROJECT_ID) return null;
  if (!apiKey || !appId || !messagingSenderId || !vapidKey || !projectId) {
    const missing = [...WEB_PUSH_REQUIRED.filter((name) => !e[name]), ...(projectId ? [] : ["FIREBASE_WEB_PROJECT_ID"])];
    throw new ConfigError(
      `invalid configuration:\n  ${missing.join(", ")}: web push needs FIREBASE_WEB_API_KEY, FIREBASE_WEB_APP_ID, FIREBASE_WEB_MESSAGING_SENDER_ID, FIREBASE_WEB_VAPID_KEY and a project id (FIREBASE_WEB_PROJECT_ID, or FIREBASE_PROJECT_ID), or none of them`,
    );
  }
  return { vapidKey, firebase: { apiKey, appId, messagingSenderId, projectId } };
}

/** Reads and validates the configuration; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(CONFIG_VARIABLES.filter((k) => env[k] !== undefined && env[k] !== "").map((k) => [k, env[k]]));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      // Never echo a secret; the variable's name and the rule are enough.
      const shown = name === "AUTH_SECRET" || name === "REDIS_URL" ? "" : `=${JSON.stringify(present[name])}`;
      return `  ${name}${shown}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if (e.REDIS_URL && e.REDIS_CLUSTER_NODES) {
    throw new ConfigError("invalid configuration:\n  REDIS_URL and REDIS_CLUSTER_NODES: set one of them (one Redis, or the seeds of a Redis Cluster), not both");
  }
  if (e.HANDSHAKE_MAX_MS < e.HANDSHAKE_TIMEOUT_MS) {
    throw new ConfigError(
      `invalid configuration:\n  HANDSHAKE_MAX_MS=${e.HANDSHAKE_MAX_MS}: must be at least HANDSHAKE_TIMEOUT_MS (${e.HANDSHAKE_TIMEOUT_MS}): one is the whole handshake's deadline, the other a window without progress inside it`,
    );
  }
  const production = e.NODE_ENV === "production";
  const jwks = identityProvider(e);
  if (production && !e.AUTH_SECRET && !jwks) {
    // A random per-process secret in production would leave tokens unverifiable across nodes,
    // and the development token route would hand host tokens to anyone.
    throw new ConfigError(
      "invalid configuration:\n  AUTH_SECRET: required with NODE_ENV=production unless an identity provider is set (AUTH_PROVIDER=firebase, or AUTH_JWKS_URL with AUTH_ISSUER and AUTH_AUDIENCE): the secret player and host tokens are signed with, at least 16 characters",
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    listenBacklog: e.LISTEN_BACKLOG,
    redisUrl: e.REDIS_URL,
    redisClusterNodes: e.REDIS_CLUSTER_NODES,
    authSecret: e.AUTH_SECRET,
    jwks,
    roles: { claim: e.AUTH_ROLE_CLAIM, hostSubjects: e.AUTH_HOST_SUBJECTS ?? [] },
    maxTokenTtlSeconds: e.AUTH_MAX_TOKEN_TTL_S,
    devTokens: e.ALLOW_DEV_TOKENS === undefined ? !production && !e.AUTH_SECRET && !jwks : e.ALLOW_DEV_TOKENS === "1",
    production,
    tickMs: e.TICK_MS,
    maxClaimsPerTick: e.MAX_CLAIMS_PER_TICK,
    slotsMinIntervalMs: e.SLOTS_MIN_INTERVAL_MS,
    slotsBroadcastPercent: e.SLOTS_BROADCAST_PERCENT,
    broadcastSliceMs: e.BROADCAST_SLICE_MS,
    claimGraceMs: e.CLAIM_GRACE_MS,
    awardWinnersShown: e.AWARD_WINNERS_SHOWN,
    backgroundGraceMs: e.BACKGROUND_GRACE_MS,
    pushCountThresholds: e.PUSH_COUNT_THRESHOLDS,
    pushLinkBase: e.PUSH_LINK_BASE_URL,
    pushClaimTimeoutMs: e.PUSH_CLAIM_TIMEOUT_MS,
    presenceHeartbeatMs: e.PRESENCE_HEARTBEAT_MS,
    maxPushTokensPerPlayer: e.MAX_PUSH_TOKENS_PER_PLAYER,
    pushTokenTtlDays: e.PUSH_TOKEN_TTL_DAYS,
    firebase:
      e.FIREBASE_PROJECT_ID && e.GOOGLE_APPLICATION_CREDENTIALS
        ? { projectId: e.FIREBASE_PROJECT_ID, credentialsPath: e.GOOGLE_APPLICATION_CREDENTIALS }
        : null,
    webPush: webPushConfig(e),
    redisCommandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    gameTtlSeconds: e.GAME_TTL_SECONDS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    nodeId: e.NODE_ID ?? `${hostname()}-${process.pid}`,
    logLevel: e.LOG_LEVEL,
    rateLimits: {
      socket: { burst: e.RATE_LIMIT_SOCKET_BURST, perSecond: e.RATE_LIMIT_SOCKET_PER_SECOND },
      player: { burst: e.RATE_LIMIT_PLAYER_BURST, perSecond: e.RATE_LIMIT_PLAYER_PER_SECOND },
    },
    maxMessageBytes: e.MAX_MESSAGE_BYTES,
    maxConnections: e.MAX_CONNECTIONS,
    maxSocketsPerPlayer: e.MAX_SOCKETS_PER_PLAYER,
    handshakeTimeoutMs: e.HANDSHAKE_TIMEOUT_MS,
    handshakeMaxMs: e.HANDSHAKE_MAX_MS,
    maxHandshakes: e.MAX_HANDSHAKES,
    maxSendBufferBytes: e.MAX_SEND_BUFFER_BYTES,
    rateLimitDisconnectAfterMs: e.RATE_LIMIT_DISCONNECT_AFTER_MS,
    maxPendingClaims: e.MAX_PENDING_CLAIMS,
    maxGamesPerHost: e.MAX_GAMES_PER_HOST,
    corsOrigins: !e.CORS_ORIGINS || e.CORS_ORIGINS.length === 0 ? null : e.CORS_ORIGINS.includes("*") ? "*" : e.CORS_ORIGINS,
  };
}

type Env = z.infer<typeof envSchema>;

/**
 * The identity provider the variables name, or null. A JWKS without both issuer and audience
 * would accept any token its keys ever signed for anyone (another app of the same provider
 * included), so the node refuses to start rather than guess.
 */
function identityProvider(e: Env): Config["jwks"] {
  const fail = (...lines: string[]): never => {
    throw new ConfigError(`invalid configuration:\n${lines.map((line) => `  ${line}`).join("\n")}`);
  };
  const timeoutMs = e.AUTH_JWKS_TIMEOUT_MS;
  if (e.AUTH_PROVIDER === "firebase") {
    const project = e.FIREBASE_PROJECT_ID ?? fail("FIREBASE_PROJECT_ID: required with AUTH_PROVIDER=firebase (the project whose ID tokens players sign in with)");
    const preset = (["AUTH_ISSUER", "AUTH_AUDIENCE", "AUTH_ALGORITHMS"] as const).filter((name) => e[name] !== undefined);
    if (preset.length > 0) fail(...preset.map((name) => `${name}: leave it unset with AUTH_PROVIDER=firebase (the preset sets it from FIREBASE_PROJECT_ID)`));
    return { url: e.AUTH_JWKS_URL ?? FIREBASE_JWKS_URL, algorithms: ["RS256"], issuer: `https://securetoken.google.com/${project}`, audience: project, timeoutMs };
  }
  if (!e.AUTH_JWKS_URL) {
    if (e.AUTH_ISSUER || e.AUTH_AUDIENCE || e.AUTH_ALGORITHMS) {
      fail("AUTH_JWKS_URL: required with AUTH_ISSUER, AUTH_AUDIENCE or AUTH_ALGORITHMS (where the issuer publishes its keys), or set AUTH_PROVIDER=firebase");
    }
    return null;
  }
  const why = "required with AUTH_JWKS_URL (every token must carry it; without it a token the provider signed for another app or issuer would be accepted)";
  const missing = (["AUTH_ISSUER", "AUTH_AUDIENCE"] as const).filter((name) => !e[name]);
  if (missing.length > 0) fail(...missing.map((name) => `${name}: ${why}`));
  return { url: e.AUTH_JWKS_URL, algorithms: e.AUTH_ALGORITHMS ?? ["RS256", "ES256"], issuer: e.AUTH_ISSUER!, audience: e.AUTH_AUDIENCE!, timeoutMs };
}
