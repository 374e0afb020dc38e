import { hostname } from "node:os";
import { CONFIG_VARIABLES, ConfigError, loadConfig } from "../../server/config";

/** The ConfigError `loadConfig(env)` throws; fails the test when it does not throw one. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

/** True when the error message has a line naming `variable` (e.g. `  PORT="x": ...`). */
function names(error: ConfigError, variable: string): boolean {
  return error.message.split("\n").some((line) => /^[=:]/.test(line.trim().slice(variable.length)) && line.trim().startsWith(variable));
}

const GOOD_SECRET = "0123456789abcdef";
/** A well-formed VAPID public key: an uncompressed P-256 point (0x04, then 64 bytes), base64url. */
const VAPID_KEY = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString("base64url");
const WEB_PUSH_ENV = {
  FIREBASE_WEB_API_KEY: "AIzaSyTest-key_0123456789",
  FIREBASE_WEB_APP_ID: "1:1234567890:web:0a1b2c3d",
  FIREBASE_WEB_MESSAGING_SENDER_ID: "1234567890",
  FIREBASE_WEB_VAPID_KEY: VAPID_KEY,
} as const;

describe("loadConfig", () => {
  test("an empty environment gives the defaults", () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: "0.0.0.0",
      listenBacklog: 4096,
      redisUrl: undefined,
      redisClusterNodes: undefined,
      authSecret: undefined,
      jwks: null,
      roles: { claim: "role", hostSubjects: [] },
      maxTokenTtlSeconds: 86_400,
      devTokens: true,
      production: false,
      tickMs: 50,
      maxClaimsPerTick: 2000,
      slotsMinIntervalMs: 200,
      slotsBroadcastPercent: 10,
      broadcastSliceMs: 10,
      claimGraceMs: 2000,
      awardWinnersShown: 20,
      backgroundGraceMs: 15_000,
      pushCountThresholds: [1000, 500, 100, 50, 10],
      pushLinkBase: undefined,
      pushClaimTimeoutMs: 30_000,
      presenceHeartbeatMs: 5000,
      maxPushTokensPerPlayer: 10,
      pushTokenTtlDays: 30,
      firebase: null,
      webPush: null,
      redisCommandTimeoutMs: 2000,
      gameTtlSeconds: 7 * 24 * 3600,
      shutdownTimeoutMs: 10_000,
      nodeId: `${hostname()}-${process.pid}`,
      logLevel: "info",
      rateLimits: { socket: { burst: 100, perSecond: 20 }, player: { burst: 200, perSecond: 40 } },
      maxMessageBytes: 16 * 1024,
      maxConnections: 20_000,
      maxSocketsPerPlayer: 5,
      handshakeTimeoutMs: 5000,
      handshakeMaxMs: 30_000,
      maxHandshakes: 5000,
      maxSendBufferBytes: 1024 * 1024,
      rateLimitDisconnectAfterMs: 10_000,
      maxPendingClaims: 100_000,
      maxGamesPerHost: 20,
      corsOrigins: null,
    });
  });

  test("every variable is read and parsed", () => {
    const config = loadConfig({
      PORT: "8080",
      HOST: "127.0.0.1",
      LISTEN_BACKLOG: "1024",
      REDIS_URL: "rediss://user:pw@redis.example:6380/2",
      AUTH_SECRET: "a-secret-of-16-ch",
      AUTH_MAX_TOKEN_TTL_S: "3600",
      AUTH_JWKS_URL: "https://login.example/.well-known/jwks.json",
      AUTH_ALGORITHMS: "ES256, RS256",
      AUTH_ISSUER: "https://login.example/",
      AUTH_AUDIENCE: "bingo-api",
      AUTH_ROLE_CLAIM: "https://bingo.example/role",
      AUTH_HOST_SUBJECTS: "auth0|host-1, auth0|host-2",
      AUTH_JWKS_TIMEOUT_MS: "1500",
      ALLOW_DEV_TOKENS: "1",
      NODE_ENV: "production",
      TICK_MS: "25",
      MAX_CLAIMS_PER_TICK: "500",
      SLOTS_MIN_INTERVAL_MS: "100",
      SLOTS_BROADCAST_PERCENT: "25",
      BROADCAST_SLICE_MS: "4",
      CLAIM_GRACE_MS: "1500",
      AWARD_WINNERS_SHOWN: "3",
      BACKGROUND_GRACE_MS: "4000",
      PUSH_COUNT_THRESHOLDS: " 20, 200 ,5,20",
      PUSH_LINK_BASE_URL: "https://shows.example/bingo",
      PUSH_CLAIM_TIMEOUT_MS: "9000",
      PRESENCE_HEARTBEAT_MS: "250",
      MAX_PUSH_TOKENS_PER_PLAYER: "3",
      PUSH_TOKEN_TTL_DAYS: "7",
      FIREBASE_PROJECT_ID: "bingo-prod",
      GOOGLE_APPLICATION_CREDENTIALS: "/etc/bingo/service-account.json",
      ...WEB_PUSH_ENV,
      FIREBASE_WEB_PROJECT_ID: "bingo-web",
      REDIS_COMMAND_TIMEOUT_MS: "750",
      GAME_TTL_SECONDS: "3600",
      SHUTDOWN_TIMEOUT_MS: "2500",
      NODE_ID: "node-a",
      LOG_LEVEL: "debug",
      RATE_LIMIT_SOCKET_BURST: "10",
      RATE_LIMIT_SOCKET_PER_SECOND: "2",
      RATE_LIMIT_PLAYER_BURST: "30",
      RATE_LIMIT_PLAYER_PER_SECOND: "6",
      MAX_MESSAGE_BYTES: "4096",
      MAX_CONNECTIONS: "5000",
      MAX_SOCKETS_PER_PLAYER: "3",
      HANDSHAKE_TIMEOUT_MS: "2500",
      HANDSHAKE_MAX_MS: "20000",
      MAX_HANDSHAKES: "800",
      MAX_SEND_BUFFER_BYTES: "65536",
      RATE_LIMIT_DISCONNECT_AFTER_MS: "30000",
      MAX_PENDING_CLAIMS: "20000",
      MAX_GAMES_PER_HOST: "5",
      CORS_ORIGINS: "https://shows.example, HTTP://Localhost:8080",
    });
    expect(config).toEqual({
      port: 8080,
      host: "127.0.0.1",
      listenBacklog: 1024,
      redisUrl: "rediss://user:pw@redis.example:6380/2",
      redisClusterNodes: undefined,
      authSecret: "a-secret-of-16-ch",
      jwks: { url: "https://login.example/.well-known/jwks.json", algorithms: ["ES256", "RS256"], issuer: "https://login.example/", audience: "bingo-api", timeoutMs: 1500 },
      roles: { claim: "https://bingo.example/role", hostSubjects: ["auth0|host-1", "auth0|host-2"] },
      maxTokenTtlSeconds: 3600,
      devTokens: true,
      production: true,
      tickMs: 25,
      maxClaimsPerTick: 500,
      slotsMinIntervalMs: 100,
      slotsBroadcastPercent: 25,
      broadcastSliceMs: 4,
      claimGraceMs: 1500,
      awardWinnersShown: 3,
      backgroundGraceMs: 4000,
      pushCountThresholds: [200, 20, 5],
      pushLinkBase: "https://shows.example/bingo",
      pushClaimTimeoutMs: 9000,
      presenceHeartbeatMs: 250,
      maxPushTokensPerPlayer: 3,
      pushTokenTtlDays: 7,
      firebase: { projectId: "bingo-prod", credentialsPath: "/etc/bingo/service-account.json" },
      webPush: { vapidKey: VAPID_KEY, firebase: { apiKey: "AIzaSyTest-key_0123456789", appId: "1:1234567890:web:0a1b2c3d", messagingSenderId: "1234567890", projectId: "bingo-web" } },
      redisCommandTimeoutMs: 750,
      gameTtlSeconds: 3600,
      shutdownTimeoutMs: 2500,
      nodeId: "node-a",
      logLevel: "debug",
      rateLimits: { socket: { burst: 10, perSecond: 2 }, player: { burst: 30, perSecond: 6 } },
      maxMessageBytes: 4096,
      maxConnections: 5000,
      maxSocketsPerPlayer: 3,
      handshakeTimeoutMs: 2500,
      handshakeMaxMs: 20_000,
      maxHandshakes: 800,
      maxSendBufferBytes: 65_536,
      rateLimitDisconnectAfterMs: 30_000,
      maxPendingClaims: 20_000,
      maxGamesPerHost: 5,
      corsOrigins: ["https://shows.example", "http://localhost:8080"],
    });
  });

  test("numbers may have surrounding spaces; PORT 0 (any free port) and the range ends are accepted", () => {
    expect(loadConfig({ PORT: " 0 " }).port).toBe(0);
    expect(loadConfig({ PORT: "65535" }).port).toBe(65535);
    expect(loadConfig({ TICK_MS: "1" }).tickMs).toBe(1);
    expect(loadConfig({ TICK_MS: "1000" }).tickMs).toBe(1000);
    expect(loadConfig({ MAX_CLAIMS_PER_TICK: "50000" }).maxClaimsPerTick).toBe(50_000);
    expect(loadConfig({ CLAIM_GRACE_MS: "0" }).claimGraceMs).toBe(0);
    expect(loadConfig({ CLAIM_GRACE_MS: " 60000 " }).claimGraceMs).toBe(60_000);
    expect(loadConfig({ REDIS_COMMAND_TIMEOUT_MS: "50" }).redisCommandTimeoutMs).toBe(50);
    expect(loadConfig({ GAME_TTL_SECONDS: "60" }).gameTtlSeconds).toBe(60);
    expect(loadConfig({ GAME_TTL_SECONDS: String(365 * 24 * 3600) }).gameTtlSeconds).toBe(365 * 24 * 3600);
    expect(loadConfig({ REDIS_URL: "redis://localhost:6379" }).redisUrl).toBe("redis://localhost:6379");
    expect(loadConfig({ AUTH_SECRET: GOOD_SECRET }).authSecret).toBe(GOOD_SECRET);
  });

  test("REDIS_CLUSTER_NODES is a comma-separated list of host:port seeds", () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: "10.0.0.1:7000, redis-b.internal:7001 ,127.0.0.1:65535" }).redisClusterNodes).toEqual([
      { host: "10.0.0.1", port: 7000 },
      { host: "redis-b.internal", port: 7001 },
      { host: "127.0.0.1", port: 65535 },
    ]);
    expect(loadConfig({ REDIS_CLUSTER_NODES: "redis:6379" }).redisClusterNodes).toEqual([{ host: "redis", port: 6379 }]);
  });

  test("REDIS_URL and REDIS_CLUSTER_NODES together are refused, naming both", () => {
    const error = configError({ REDIS_URL: "redis://user:pw@one:6379", REDIS_CLUSTER_NODES: "a:7000,b:7001" });
    expect(error.message).toMatch(/REDIS_URL and REDIS_CLUSTER_NODES: set one of them/);
    expect(error.message).not.toContain("pw@");
  });

  test("HANDSHAKE_MAX_MS below HANDSHAKE_TIMEOUT_MS is refused, naming both", () => {
    const error = configError({ HANDSHAKE_TIMEOUT_MS: "8000", HANDSHAKE_MAX_MS: "6000" });
    expect(error.message).toMatch(/HANDSHAKE_MAX_MS=6000: must be at least HANDSHAKE_TIMEOUT_MS \(8000\)/);
    expect(loadConfig({ HANDSHAKE_TIMEOUT_MS: "8000", HANDSHAKE_MAX_MS: "8000" }).handshakeMaxMs).toBe(8000);
  });

  test("every log level is accepted", () => {
    for (const level of ["fatal", "error", "warn", "info", "debug", "trace", "silent"]) {
      expect(loadConfig({ LOG_LEVEL: level }).logLevel).toBe(level);
    }
  });

  test("PUSH_COUNT_THRESHOLDS=none pushes no counts (only the opening and the close)", () => {
    expect(loadConfig({ PUSH_COUNT_THRESHOLDS: "none" }).pushCountThresholds).toEqual([]);
  });

  test("empty strings count as unset", () => {
    const empty = Object.fromEntries(CONFIG_VARIABLES.map((name) => [name, ""]));
    expect(loadConfig(empty)).toEqual(loadConfig({}));
  });

  test("variables the server does not read are ignored", () => {
    expect(loadConfig({ PATH: "/bin", SOME_OTHER: "not a number" })).toEqual(loadConfig({}));
  });

  const bad: [variable: string, value: string][] = [
    ["PORT", "abc"],
    ["PORT", "-1"],
    ["PORT", "3.5"],
    ["PORT", "1e3"],
    ["PORT", "0x50"],
    ["PORT", "65536"],
    ["PORT", "99999999999999999999"],
    ["HOST", "   "],
    ["REDIS_URL", "http://localhost:6379"],
    ["REDIS_URL", "localhost:6379"],
    ["REDIS_URL", "redis:/localhost"],
    ["REDIS_CLUSTER_NODES", "127.0.0.1"],
    ["REDIS_CLUSTER_NODES", "127.0.0.1:7000,"],
    ["REDIS_CLUSTER_NODES", "a:7000,,b:7001"],
    ["REDIS_CLUSTER_NODES", "a:0"],
    ["REDIS_CLUSTER_NODES", "a:65536"],
    ["REDIS_CLUSTER_NODES", "redis://a:7000"],
    ["REDIS_CLUSTER_NODES", "a b:7000"],
    ["AUTH_SECRET", "short"],
    ["AUTH_SECRET", "x".repeat(15)],
    ["AUTH_MAX_TOKEN_TTL_S", "59"],
    ["AUTH_MAX_TOKEN_TTL_S", "1d"],
    ["ALLOW_DEV_TOKENS", "yes"],
    ["ALLOW_DEV_TOKENS", "true"],
    ["TICK_MS", "0"],
    ["TICK_MS", "1001"],
    ["TICK_MS", "-5"],
    ["TICK_MS", "fast"],
    ["MAX_CLAIMS_PER_TICK", "0"],
    ["MAX_CLAIMS_PER_TICK", "50001"],
    ["MAX_CLAIMS_PER_TICK", "1.5"],
    ["AWARD_WINNERS_SHOWN", "-1"],
    ["AWARD_WINNERS_SHOWN", "10001"],
    ["CLAIM_GRACE_MS", "-1"],
    ["CLAIM_GRACE_MS", "60001"],
    ["CLAIM_GRACE_MS", "2.5"],
    ["CLAIM_GRACE_MS", "2s"],
    ["CLAIM_GRACE_MS", "1e3"],
    ["CLAIM_GRACE_MS", "   "],
    ["REDIS_COMMAND_TIMEOUT_MS", "49"],
    ["REDIS_COMMAND_TIMEOUT_MS", "60001"],
    ["REDIS_COMMAND_TIMEOUT_MS", "NaN"],
    ["GAME_TTL_SECONDS", "59"],
    ["GAME_TTL_SECONDS", String(365 * 24 * 3600 + 1)],
    ["GAME_TTL_SECONDS", "Infinity"],
    ["NODE_ID", "n".repeat(65)],
    ["NODE_ID", "  "],
    ["LOG_LEVEL", "verbose"],
    ["LOG_LEVEL", "INFO"],
    ["RATE_LIMIT_SOCKET_BURST", "0"],
    ["RATE_LIMIT_SOCKET_PER_SECOND", "0.5"],
    ["RATE_LIMIT_PLAYER_BURST", "-1"],
    ["RATE_LIMIT_PLAYER_PER_SECOND", "lots"],
    ["MAX_MESSAGE_BYTES", "1023"],
    ["MAX_MESSAGE_BYTES", String(1024 * 1024 + 1)],
    ["MAX_CONNECTIONS", "0"],
    ["MAX_SOCKETS_PER_PLAYER", "0"],
    ["HANDSHAKE_TIMEOUT_MS", "99"],
    ["HANDSHAKE_MAX_MS", "99"],
    ["MAX_HANDSHAKES", "0"],
    ["LISTEN_BACKLOG", "0"],
    ["MAX_SEND_BUFFER_BYTES", "1000"],
    ["RATE_LIMIT_DISCONNECT_AFTER_MS", "soon"],
    ["MAX_PENDING_CLAIMS", "0"],
    ["MAX_GAMES_PER_HOST", "0"],
    ["CORS_ORIGINS", "shows.example"],
    ["CORS_ORIGINS", "https://shows.example/path"],
    ["CORS_ORIGINS", "ftp://shows.example"],
    ["PUSH_COUNT_THRESHOLDS", "100,,10"],
    ["PUSH_COUNT_THRESHOLDS", "100;10"],
    ["PUSH_COUNT_THRESHOLDS", "0"],
    ["PUSH_COUNT_THRESHOLDS", "-5"],
    ["PUSH_COUNT_THRESHOLDS", "Infinity"],
    ["PUSH_COUNT_THRESHOLDS", Array.from({ length: 21 }, (_, i) => i + 1).join(",")],
    ["PUSH_LINK_BASE_URL", "http://shows.example"],
    ["PUSH_LINK_BASE_URL", "shows.example"],
    ["PUSH_LINK_BASE_URL", "https://shows.example/?x=1"],
    ["FIREBASE_WEB_API_KEY", "key with spaces"],
    ["FIREBASE_WEB_APP_ID", "1:123:ios:abc"],
    ["FIREBASE_WEB_MESSAGING_SENDER_ID", "sender"],
    ["FIREBASE_WEB_PROJECT_ID", "Bingo_Prod"],
    ["FIREBASE_WEB_VAPID_KEY", "not-a-key"],
    // Base64url of the right length, but a compressed point (0x02), which push services refuse.
    ["FIREBASE_WEB_VAPID_KEY", Buffer.concat([Buffer.from([2]), Buffer.alloc(64, 7)]).toString("base64url")],
  ];

  test.each(bad)("%s=%j is refused with a ConfigError naming it", (variable, value) => {
    const error = configError({ [variable]: value });
    expect(error.name).toBe("ConfigError");
    expect(names(error, variable)).toBe(true);
    for (const other of CONFIG_VARIABLES.filter((name) => name !== variable)) {
      expect(names(error, other)).toBe(false);
    }
  });

  test("a bad secret or Redis URL is named but never echoed", () => {
    const error = configError({ AUTH_SECRET: "hunter2-secret", REDIS_URL: "http://user:pw@host" });
    expect(names(error, "AUTH_SECRET")).toBe(true);
    expect(names(error, "REDIS_URL")).toBe(true);
    expect(error.message).not.toContain("hunter2");
    expect(error.message).not.toContain("pw@");
  });

  test("several bad variables are all named in one error, good ones are not", () => {
    const error = configError({
      PORT: "-1",
      TICK_MS: "0",
      REDIS_URL: "http://x",
      AUTH_SECRET: "short",
      LOG_LEVEL: "loud",
      GAME_TTL_SECONDS: "x",
      CLAIM_GRACE_MS: "-5",
      HOST: "localhost",
      MAX_CLAIMS_PER_TICK: "100",
      REDIS_COMMAND_TIMEOUT_MS: "500",
    });
    for (const variable of ["PORT", "TICK_MS", "REDIS_URL", "AUTH_SECRET", "LOG_LEVEL", "GAME_TTL_SECONDS", "CLAIM_GRACE_MS"]) {
      expect(names(error, variable)).toBe(true);
    }
    expect(names(error, "HOST")).toBe(false);
    expect(names(error, "MAX_CLAIMS_PER_TICK")).toBe(false);
    expect(names(error, "REDIS_COMMAND_TIMEOUT_MS")).toBe(false);
  });

  test("NODE_ENV=production without AUTH_SECRET is refused, naming AUTH_SECRET (and only it)", () => {
    const error = configError({ NODE_ENV: "production" });
    expect(names(error, "AUTH_SECRET")).toBe(true);
    expect(error.message).toMatch(/NODE_ENV=production/);
    expect(names(configError({ NODE_ENV: "production", ALLOW_DEV_TOKENS: "1" }), "AUTH_SECRET")).toBe(true);
    expect(loadConfig({ NODE_ENV: "production", AUTH_SECRET: GOOD_SECRET }).production).toBe(true);
    expect(loadConfig({ NODE_ENV: "development" }).production).toBe(false);
  });

  test.each<[string, NodeJS.ProcessEnv, boolean]>([
    ["development without AUTH_SECRET", {}, true],
    ["development with AUTH_SECRET", { AUTH_SECRET: GOOD_SECRET }, false],
    ["development with AUTH_SECRET and ALLOW_DEV_TOKENS=1", { AUTH_SECRET: GOOD_SECRET, ALLOW_DEV_TOKENS: "1" }, true],
    ["development, ALLOW_DEV_TOKENS=0", { ALLOW_DEV_TOKENS: "0" }, false],
    ["production", { NODE_ENV: "production", AUTH_SECRET: GOOD_SECRET }, false],
    ["production with ALLOW_DEV_TOKENS=1", { NODE_ENV: "production", AUTH_SECRET: GOOD_SECRET, ALLOW_DEV_TOKENS: "1" }, true],
  ])("dev tokens: %s → %s", (_label, env, served) => {
    expect(loadConfig(env).devTokens).toBe(served);
  });

  test("an identity provider (JWKS) needs AUTH_ISSUER and AUTH_AUDIENCE; each missing one is named", () => {
    const jwks = { AUTH_JWKS_URL: "https://login.example/jwks.json" };
    const neither = configError(jwks);
    expect(names(neither, "AUTH_ISSUER")).toBe(true);
    expect(names(neither, "AUTH_AUDIENCE")).toBe(true);
    const noAudience = configError({ ...jwks, AUTH_ISSUER: "https://login.example/" });
    expect(names(noAudience, "AUTH_AUDIENCE")).toBe(true);
    expect(names(noAudience, "AUTH_ISSUER")).toBe(false);
    expect(names(configError({ AUTH_ISSUER: "https://login.example/", AUTH_AUDIENCE: "a" }), "AUTH_JWKS_URL")).toBe(true);
    expect(loadConfig({ ...jwks, AUTH_ISSUER: "i", AUTH_AUDIENCE: "a" }).jwks).toEqual({ url: jwks.AUTH_JWKS_URL, algorithms: ["RS256", "ES256"], issuer: "i", audience: "a", timeoutMs: 5000 });
  });

  test.each([["HS256"], ["none"], ["RS256,HS256"], ["rs256"], [","]])("AUTH_ALGORITHMS=%s is refused (asymmetric algorithms only)", (value) => {
    expect(names(configError({ AUTH_JWKS_URL: "https://l.example/j", AUTH_ISSUER: "i", AUTH_AUDIENCE: "a", AUTH_ALGORITHMS: value }), "AUTH_ALGORITHMS")).toBe(true);
  });

  test("the Firebase preset: issuer, audience, RS256 and Google's key set from FIREBASE_PROJECT_ID; AUTH_JWKS_URL may override the URL", () => {
    const firebase = { AUTH_PROVIDER: "firebase", FIREBASE_PROJECT_ID: "bingo-prod" };
    expect(loadConfig(firebase).jwks).toEqual({
      url: "https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com",
      algorithms: ["RS256"],
      issuer: "https://securetoken.google.com/bingo-prod",
      audience: "bingo-prod",
      timeoutMs: 5000,
    });
    expect(loadConfig({ ...firebase, AUTH_JWKS_URL: "http://127.0.0.1:9999/jwks" }).jwks?.url).toBe("http://127.0.0.1:9999/jwks");
    expect(names(configError({ AUTH_PROVIDER: "firebase" }), "FIREBASE_PROJECT_ID")).toBe(true);
    expect(names(configError({ ...firebase, AUTH_AUDIENCE: "other" }), "AUTH_AUDIENCE")).toBe(true);
    expect(names(configError({ AUTH_PROVIDER: "okta" }), "AUTH_PROVIDER")).toBe(true);
  });

  test("production with only an identity provider needs no AUTH_SECRET, and serves no dev tokens", () => {
    const config = loadConfig({ NODE_ENV: "production", AUTH_PROVIDER: "firebase", FIREBASE_PROJECT_ID: "p" });
    expect(config.authSecret).toBeUndefined();
    expect(config.devTokens).toBe(false);
    // Outside production too: a provider means no dev token route unless asked for.
    expect(loadConfig({ AUTH_PROVIDER: "firebase", FIREBASE_PROJECT_ID: "p" }).devTokens).toBe(false);
    expect(loadConfig({ AUTH_PROVIDER: "firebase", FIREBASE_PROJECT_ID: "p", ALLOW_DEV_TOKENS: "1" }).devTokens).toBe(true);
  });

  test("FCM is on only with both the project id and the credentials file", () => {
    expect(loadConfig({ FIREBASE_PROJECT_ID: "p" }).firebase).toBeNull();
    expect(loadConfig({ GOOGLE_APPLICATION_CREDENTIALS: "/x.json" }).firebase).toBeNull();
    expect(loadConfig({ FIREBASE_PROJECT_ID: "p", GOOGLE_APPLICATION_CREDENTIALS: "/x.json" }).firebase).toEqual({ projectId: "p", credentialsPath: "/x.json" });
  });

  test("web push is on with all of its variables; the project id may come from FIREBASE_PROJECT_ID", () => {
    expect(loadConfig({}).webPush).toBeNull();
    expect(loadConfig({ ...WEB_PUSH_ENV, FIREBASE_PROJECT_ID: "bingo-prod" }).webPush).toEqual({
      vapidKey: VAPID_KEY,
      firebase: { apiKey: WEB_PUSH_ENV.FIREBASE_WEB_API_KEY, appId: WEB_PUSH_ENV.FIREBASE_WEB_APP_ID, messagingSenderId: "1234567890", projectId: "bingo-prod" },
    });
    // FCM's server side is independent: web push needs no service account on the node.
    expect(loadConfig({ ...WEB_PUSH_ENV, FIREBASE_PROJECT_ID: "bingo-prod" }).firebase).toBeNull();
    expect(loadConfig({ ...WEB_PUSH_ENV, FIREBASE_PROJECT_ID: "bingo-prod", FIREBASE_WEB_PROJECT_ID: "bingo-web" }).webPush?.firebase.projectId).toBe("bingo-web");
  });

  test.each<[string, NodeJS.ProcessEnv, string[]]>([
    ["no project id", { ...WEB_PUSH_ENV }, ["FIREBASE_WEB_PROJECT_ID"]],
    ["no VAPID key", { ...WEB_PUSH_ENV, FIREBASE_WEB_VAPID_KEY: undefined, FIREBASE_PROJECT_ID: "bingo-prod" }, ["FIREBASE_WEB_VAPID_KEY"]],
    ["only the project id", { FIREBASE_WEB_PROJECT_ID: "bingo-web" }, ["FIREBASE_WEB_API_KEY", "FIREBASE_WEB_APP_ID", "FIREBASE_WEB_MESSAGING_SENDER_ID", "FIREBASE_WEB_VAPID_KEY"]],
  ])("half a web push configuration (%s) is refused, naming what is missing", (_case, env, missing) => {
    const error = configError(env);
    expect(error.name).toBe("ConfigError");
    expect(error.message.split("\n")[1]).toMatch(new RegExp(`^  ${missing.join(", ")}: web push needs `));
  });

  test("CORS_ORIGINS: unset is null (any socket origin, no CORS headers); * anywhere in the list is any origin", () => {
    expect(loadConfig({}).corsOrigins).toBeNull();
    expect(loadConfig({ CORS_ORIGINS: " , " }).corsOrigins).toBeNull();
    expect(loadConfig({ CORS_ORIGINS: "*" }).corsOrigins).toBe("*");
    expect(loadConfig({ CORS_ORIGINS: "https://a.example,*" }).corsOrigins).toBe("*");
    expect(loadConfig({ CORS_ORIGINS: "https://a.example:443" }).corsOrigins).toEqual(["https://a.example"]);
  });

  test("CONFIG_VARIABLES lists every variable the server reads", () => {
    expect([...CONFIG_VARIABLES].sort()).toEqual(
      [
        "AUTH_SECRET",
        "AUTH_MAX_TOKEN_TTL_S",
        "AUTH_PROVIDER",
        "AUTH_JWKS_URL",
        "AUTH_ALGORITHMS",
        "AUTH_ISSUER",
        "AUTH_AUDIENCE",
        "AUTH_ROLE_CLAIM",
        "AUTH_HOST_SUBJECTS",
        "AUTH_JWKS_TIMEOUT_MS",
        "ALLOW_DEV_TOKENS",
        "NODE_ENV",
        "BACKGROUND_GRACE_MS",
        "CLAIM_GRACE_MS",
        "AWARD_WINNERS_SHOWN",
        "FIREBASE_PROJECT_ID",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "FIREBASE_WEB_API_KEY",
        "FIREBASE_WEB_APP_ID",
        "FIREBASE_WEB_MESSAGING_SENDER_ID",
        "FIREBASE_WEB_PROJECT_ID",
        "FIREBASE_WEB_VAPID_KEY",
        "PUSH_CLAIM_TIMEOUT_MS",
        "PUSH_COUNT_THRESHOLDS",
        "PUSH_LINK_BASE_URL",
        "PRESENCE_HEARTBEAT_MS",
        "MAX_PUSH_TOKENS_PER_PLAYER",
        "PUSH_TOKEN_TTL_DAYS",
        "GAME_TTL_SECONDS",
        "HOST",
        "LOG_LEVEL",
        "MAX_CLAIMS_PER_TICK",
        "NODE_ID",
        "PORT",
        "REDIS_COMMAND_TIMEOUT_MS",
        "REDIS_URL",
        "SHUTDOWN_TIMEOUT_MS",
        "REDIS_CLUSTER_NODES",
        "SLOTS_MIN_INTERVAL_MS",
        "SLOTS_BROADCAST_PERCENT",
        "BROADCAST_SLICE_MS",
        "TICK_MS",
        "RATE_LIMIT_SOCKET_BURST",
        "RATE_LIMIT_SOCKET_PER_SECOND",
        "RATE_LIMIT_PLAYER_BURST",
        "RATE_LIMIT_PLAYER_PER_SECOND",
        "MAX_MESSAGE_BYTES",
        "MAX_CONNECTIONS",
        "MAX_SOCKETS_PER_PLAYER",
        "HANDSHAKE_TIMEOUT_MS",
        "HANDSHAKE_MAX_MS",
        "MAX_HANDSHAKES",
        "LISTEN_BACKLOG",
        "MAX_SEND_BUFFER_BYTES",
        "RATE_LIMIT_DISCONNECT_AFTER_MS",
        "MAX_PENDING_CLAIMS",
        "MAX_GAMES_PER_HOST",
        "CORS_ORIGINS",
      ].sort(),
    );
  });
});
