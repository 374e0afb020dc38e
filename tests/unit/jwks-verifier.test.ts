import { createHmac, createPublicKey } from "node:crypto";
import type { JwksFetchPolicy, JwksIssuer } from "../../server/identity/jwks-verifier";
import { DEFAULT_JWKS_FETCH_POLICY, JwksVerifier } from "../../server/identity/jwks-verifier";
import { AlgorithmRouter } from "../../server/identity/algorithm-router";
import type { RoleRules } from "../../server/identity/roles";
import { DEFAULT_ROLE_RULES } from "../../server/identity/roles";
import { DEFAULT_TOKEN_RULES, TokenAuthority } from "../../server/identity/tokens";
import type { VerifiedIdentity } from "../../server/ports/identity";
import type { IssuerKey, JwksServer, MintOptions } from "../support/jwks-server";
import { issuerKey, mint, startJwksServer } from "../support/jwks-server";

const ISSUER = "https://issuer.test/";
const AUDIENCE = "bingo-test";
const claims = (extra: Partial<MintOptions> = {}): MintOptions => ({ issuer: ISSUER, audience: AUDIENCE, ...extra });
const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");

let rsa: IssuerKey;
let ec: IssuerKey;
let server: JwksServer;

beforeAll(async () => {
  [rsa, ec] = await Promise.all([issuerKey("RS256"), issuerKey("ES256")]);
  server = await startJwksServer([rsa, ec]);
});
afterAll(() => server.stop());
beforeEach(() => {
  server.publish([rsa, ec]);
  server.setDown(false);
  server.setStalled(false);
});

/** A clock the test moves by hand: the fetch spacing and the unknown-kid memory run on it. */
function clock(): { now: () => number; advance(ms: number): void } {
  let now = Date.now();
  return { now: () => now, advance: (ms) => void (now += ms) };
}

function verifier(
  options: { roles?: RoleRules; policy?: Partial<JwksFetchPolicy>; issuer?: Partial<JwksIssuer>; now?: () => number } = {},
): JwksVerifier {
  const source: JwksIssuer = { url: server.url, algorithms: ["RS256", "ES256"], issuer: ISSUER, audience: AUDIENCE, timeoutMs: 2000, ...options.issuer };
  const rules = { ...DEFAULT_TOKEN_RULES, ...(options.now ? { now: options.now } : {}) };
  return new JwksVerifier(source, options.roles ?? DEFAULT_ROLE_RULES, rules, { ...DEFAULT_JWKS_FETCH_POLICY, ...options.policy });
}

async function refused(verify: JwksVerifier | AlgorithmRouter, token: unknown, reason: RegExp): Promise<void> {
  const result = await verify.verify(token);
  expect(typeof result).toBe("string");
  expect(result).toMatch(reason);
}

async function accepted(verify: JwksVerifier | AlgorithmRouter, token: string): Promise<VerifiedIdentity> {
  const result = await verify.verify(token);
  if (typeof result === "string") throw new Error(`refused: ${result}`);
  return result;
}

describe("JwksVerifier", () => {
  test.each(["RS256", "ES256"] as const)("%s tokens from the issuer's keys are accepted, as players, until their exp", async (alg) => {
    const key = alg === "RS256" ? rsa : ec;
    const identity = await accepted(verifier(), await mint(key, claims({ sub: `u-${alg}`, expiresIn: 300 })));
    expect(identity.sub).toBe(`u-${alg}`);
    expect(identity.role).toBe("player");
    expect(Math.abs(identity.expiresAtMs - (Date.now() + 300_000))).toBeLessThan(5000);
  });

  test.each<[string, () => Promise<string>, RegExp]>([
    ["wrong issuer", () => mint(rsa, claims({ issuer: "https://other.test/" })), /iss claim check failed/],
    ["wrong audience", () => mint(rsa, claims({ audience: "another-app" })), /aud claim check failed/],
    ["expired", () => mint(rsa, claims({ expiresIn: -60 })), /expired/],
    ["no exp", () => mint(rsa, claims({ noExp: true })), /exp claim check failed/],
    ["lifetime over AUTH_MAX_TOKEN_TTL_S", () => mint(rsa, claims({ expiresIn: 3 * 86_400 })), /more than 86400 s away/],
    ["no sub", () => mint(rsa, claims({ sub: "" })), /sub/],
  ])("%s: refused", async (_label, token, reason) => {
    await refused(verifier(), await token(), reason);
  });

  test("a signature by another key under a known kid is refused", async () => {
    const impostor = await issuerKey("RS256", rsa.kid);
    await refused(verifier(), await mint(impostor, claims()), /signature does not verify/);
  });

  test("an algorithm outside AUTH_ALGORITHMS is refused before any key is fetched", async () => {
    const before = server.fetches;
    await refused(verifier({ issuer: { algorithms: ["RS256"] } }), await mint(ec, claims()), /algorithm ES256 is not accepted/);
    expect(server.fetches).toBe(before);
  });

  test("alg none, HS256, garbage and a missing kid are refused", async () => {
    const v = verifier();
    const body = b64({ iss: ISSUER, aud: AUDIENCE, sub: "x", exp: Math.floor(Date.now() / 1000) + 60 });
    await refused(v, `${b64({ alg: "none", kid: rsa.kid })}.${body}.`, /algorithm none is not accepted/);
    await refused(v, `${b64({ alg: "HS256", kid: rsa.kid })}.${body}.c2ln`, /algorithm HS256 is not accepted/);
    await refused(v, "not-a-jwt", /not a JWT/);
    await refused(v, undefined, /missing token/);
    await refused(v, "x".repeat(10_000), /too long/);
    await refused(v, `${b64({ alg: "RS256" })}.${body}.c2ln`, /needs a kid/);
  });

  test("a rotated key works on its first token, with one fetch and no restart", async () => {
    const v = verifier();
    await accepted(v, await mint(rsa, claims()));
    const fetchesBefore = server.fetches;
    const next = await issuerKey("RS256");
    server.publish([next, ec]);
    const identity = await accepted(v, await mint(next, claims({ sub: "after-rotation" })));
    expect(identity.sub).toBe("after-rotation");
    expect(server.fetches).toBe(fetchesBefore + 1);
    // The retired key is gone from the new set: its tokens no longer pass.
    await refused(v, await mint(rsa, claims()), /unknown kid/);
  });

  test("made-up kids cannot make the node fetch per connection: fetches are rate-limited, a kid not found is remembered, memory is bounded", async () => {
    const time = clock();
    const v = verifier({ now: time.now, policy: { fetches: { burst: 2, perSecond: 1 }, unknownKidMemoryMs: 60_000, maxUnknownKids: 5 } });
    await accepted(v, await mint(rsa, claims()));
    const start = server.fetches;
    time.advance(1000);
    for (let i = 0; i < 50; i++) await refused(v, await mint(rsa, claims({ kid: `random-${i}` })), /unknown kid/);
    // The burst (2), then nothing more until the allowance refills.
    expect(server.fetches - start).toBe(2);
    // Later, a kid already looked for is answered from memory; each new one may fetch once the allowance allows.
    time.advance(1000);
    await refused(v, await mint(rsa, claims({ kid: "random-1" })), /not among the issuer's keys when last fetched/);
    expect(server.fetches - start).toBe(2);
    for (let i = 0; i < 20; i++) {
      time.advance(1000);
      await refused(v, await mint(rsa, claims({ kid: `later-${i}` })), /unknown kid \(not among the issuer's keys\)/);
    }
    expect(server.fetches - start).toBe(22);
    expect(v.rememberedUnknownKids).toBe(5);
    // Known kids never wait for any of this.
    await accepted(v, await mint(ec, claims()));
    expect(server.fetches - start).toBe(22);
  });

  test("tokens arriving together with one unknown kid share one fetch", async () => {
    const v = verifier();
    await accepted(v, await mint(rsa, claims()));
    const next = await issuerKey("ES256");
    server.publish([rsa, next]);
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => mint(next, claims({ sub: `p${i}` }))));
    const before = server.fetches;
    const results = await Promise.all(tokens.map((token) => v.verify(token)));
    expect(results.every((result) => typeof result !== "string")).toBe(true);
    expect(server.fetches).toBe(before + 1);
  });

  test("an issuer that is down: refused with a reason, never a throw; fetches stay spaced; served again once it is back", async () => {
    server.setDown(true);
    const time = clock();
    const v = verifier({ now: time.now, policy: { fetches: { burst: 1, perSecond: 1 } } });
    await refused(v, await mint(rsa, claims()), /keys could not be fetched \(HTTP 503/);
    const afterFirst = server.fetches;
    await refused(v, await mint(rsa, claims()), /not available yet/);
    expect(server.fetches).toBe(afterFirst);
    server.setDown(false);
    time.advance(1000);
    await accepted(v, await mint(rsa, claims()));
  });

  test("keys held keep serving while a background refresh fails", async () => {
    const time = clock();
    // A burst of one: the failed refresh is retried no sooner than the allowance refills.
    const v = verifier({ now: time.now, policy: { refreshAfterMs: 5000, fetches: { burst: 1, perSecond: 1 } } });
    await accepted(v, await mint(rsa, claims()));
    server.setDown(true);
    time.advance(6000);
    const before = server.fetches;
    await accepted(v, await mint(rsa, claims()));
    await accepted(v, await mint(ec, claims()));
    expect(server.fetches).toBe(before + 1);
  });

  test("a JWKS URL nothing listens on: refused with a reason", async () => {
    const v = verifier({ issuer: { url: "http://127.0.0.1:9/jwks.json" } });
    await refused(v, await mint(rsa, claims()), /keys could not be fetched/);
  });

  test("a key set whose body never finishes is cut at the fetch timeout, and the next fetch is not stuck behind it", async () => {
    server.setStalled(true);
    const v = verifier({ issuer: { timeoutMs: 300 } });
    await refused(v, await mint(rsa, claims()), /keys could not be fetched \(.*(timeout|aborted)/i);
    server.setStalled(false);
    await accepted(v, await mint(rsa, claims()));
  });
});

describe("roles from provider tokens", () => {
  test.each<[string, Partial<MintOptions>, RoleRules, string]>([
    ["role claim host", { claims: { role: "host" } }, DEFAULT_ROLE_RULES, "host"],
    ["role claim player", { claims: { role: "player" } }, DEFAULT_ROLE_RULES, "player"],
    ["no claim", {}, DEFAULT_ROLE_RULES, "player"],
    ["no claim, sub listed in AUTH_HOST_SUBJECTS", { sub: "boss" }, { claim: "role", hostSubjects: new Set(["boss"]) }, "host"],
    ["an explicit player claim beats a listed subject", { sub: "boss", claims: { role: "player" } }, { claim: "role", hostSubjects: new Set(["boss"]) }, "player"],
    ["a custom claim name (AUTH_ROLE_CLAIM)", { claims: { bingo_role: "host", role: "player" } }, { claim: "bingo_role", hostSubjects: new Set() }, "host"],
  ])("%s → %s", async (_label, extra, roles, role) => {
    expect((await accepted(verifier({ roles }), await mint(rsa, claims(extra)))).role).toBe(role);
  });

  test.each([["admin"], [1], [true], [["host"]]])("a role claim of %j is refused, not guessed", async (value) => {
    await refused(verifier(), await mint(rsa, claims({ claims: { role: value } })), /claim role must be "player" or "host"/);
  });
});

describe("AlgorithmRouter: both kinds at once", () => {
  const SECRET = "router-secret-0123456789";
  const hs256 = new TokenAuthority(SECRET);
  const router = (withSecret = true): AlgorithmRouter => new AlgorithmRouter(withSecret ? hs256 : null, { verifier: verifier(), algorithms: ["RS256", "ES256"] });

  test("HS256 tokens go to AUTH_SECRET, RS256 and ES256 to the JWKS", async () => {
    const r = router();
    expect((await accepted(r, hs256.sign({ sub: "h", role: "host" }))).sub).toBe("h");
    expect((await accepted(r, await mint(rsa, claims({ sub: "r" })))).sub).toBe("r");
    expect((await accepted(r, await mint(ec, claims({ sub: "e" })))).sub).toBe("e");
  });

  test("algorithm confusion: HS256 signed with the issuer's RSA public key as the secret is refused", async () => {
    const pem = createPublicKey(rsa.privateKey as unknown as Parameters<typeof createPublicKey>[0]).export({ type: "spki", format: "pem" }).toString();
    const exp = Math.floor(Date.now() / 1000) + 600;
    const body = `${b64({ alg: "HS256", kid: rsa.kid, typ: "JWT" })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: "mallory", role: "host", exp })}`;
    const forged = `${body}.${createHmac("sha256", pem).update(body).digest("base64url")}`;
    await refused(router(), forged, /invalid token: invalid signature/);
    await refused(router(false), forged, /HS256 tokens are not accepted here/);
  });

  test("alg none is refused by both kinds", async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const token = `${b64({ alg: "none" })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: "x", role: "host", exp })}.`;
    await refused(router(), token, /algorithm none is not accepted \(accepted: HS256, RS256, ES256\)/);
  });

  test("without AUTH_SECRET no HS256 token passes, whoever signed it", async () => {
    await refused(router(false), hs256.sign({ sub: "h", role: "host" }), /HS256 tokens are not accepted here/);
    await accepted(router(false), await mint(rsa, claims()));
  });
});
