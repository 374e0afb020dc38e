import { createHmac } from "node:crypto";
import jwt from "jsonwebtoken";

const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
import { DEFAULT_TOKEN_RULES, TokenAuthority } from "../../server/identity/tokens";

const SECRET = "unit-test-secret-0123456789";
const authority = new TokenAuthority(SECRET);

/** A token signed with `jsonwebtoken` directly, HS256, SECRET and a 1-hour exp unless told otherwise. */
function signed(payload: object, options: jwt.SignOptions = {}, secret: string = SECRET): string {
  const expires = "exp" in payload || "expiresIn" in options ? {} : { expiresIn: 3600 };
  return jwt.sign(payload, secret, { algorithm: "HS256", ...expires, ...options });
}

/** A token signed with SECRET carrying exactly these claims (jsonwebtoken would add iat, drop or check some). */
function bare(payload: object): string {
  const body = `${base64url({ alg: "HS256", typ: "JWT" })}.${base64url(payload)}`;
  return `${body}.${createHmac("sha256", SECRET).update(body).digest("base64url")}`;
}


/** An unsigned token (`alg: none`), built by hand since jsonwebtoken refuses to make one. */
function unsigned(payload: object): string {
  return `${base64url({ alg: "none", typ: "JWT" })}.${base64url(payload)}.`;
}

/** Asserts the token is refused: verify returns a non-empty reason, never an identity. */
function expectRefused(token: unknown, reason?: RegExp): void {
  const result = authority.verify(token);
  expect(typeof result).toBe("string");
  expect((result as string).length).toBeGreaterThan(0);
  if (reason) expect(result).toMatch(reason);
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

describe("TokenAuthority", () => {
  test("sign then verify gives back exactly the identity, for both roles", () => {
    const soon = expect.any(Number) as number;
    expect(authority.verify(authority.sign({ sub: "player-7", role: "player" }))).toEqual({ sub: "player-7", role: "player", expiresAtMs: soon });
    expect(authority.verify(authority.sign({ sub: "host-1", role: "host" }))).toEqual({ sub: "host-1", role: "host", expiresAtMs: soon });
  });

  test("a signed token is HS256, carries sub and role, and expires in 12 hours", () => {
    const token = authority.sign({ sub: "p", role: "player" });
    const decoded = jwt.decode(token, { complete: true });
    expect(decoded?.header.alg).toBe("HS256");
    const payload = decoded?.payload as jwt.JwtPayload;
    expect(payload.sub).toBe("p");
    expect(payload.role).toBe("player");
    expect(payload.exp! - payload.iat!).toBe(12 * 3600);
  });

  test("a token made elsewhere with the same secret, HS256, sub and role is accepted", () => {
    const exp = nowSeconds() + 600;
    expect(authority.verify(signed({ role: "host", exp }, { subject: "x".repeat(128) }))).toEqual({ sub: "x".repeat(128), role: "host", expiresAtMs: exp * 1000 });
    expect(authority.verify(signed({ sub: "s", role: "player", extra: 1, exp }))).toEqual({ sub: "s", role: "player", expiresAtMs: exp * 1000 });
  });

  test.each([
    ["undefined", undefined],
    ["null", null],
    ["a number", 42],
    ["an object", { token: "x" }],
    ["an array", ["x"]],
    ["a boolean", true],
    ["an empty string", ""],
  ])("a missing or non-string token (%s) is refused", (_label, token) => {
    expectRefused(token, /missing token/);
  });

  test("a token over 4096 characters is refused, even with a valid signature", () => {
    const padded = signed({ sub: "p", role: "player", pad: "x".repeat(4096) });
    expect(padded.length).toBeGreaterThan(4096);
    expect(jwt.verify(padded, SECRET)).toMatchObject({ sub: "p", role: "player" });
    expectRefused(padded, /too long/);
  });

  test("garbage is refused", () => {
    expectRefused("not-a-jwt", /invalid token/);
    expectRefused("a.b.c", /invalid token/);
    expectRefused("x".repeat(4096), /invalid token/);
  });

  test("a token signed with another secret is refused", () => {
    expectRefused(signed({ sub: "p", role: "host" }, {}, "another-secret-0123456789"), /invalid token/);
    expectRefused(new TokenAuthority("another-secret-0123456789").sign({ sub: "p", role: "host" }), /invalid token/);
  });

  test("a tampered payload is refused", () => {
    const [header, , signature] = authority.sign({ sub: "p", role: "player" }).split(".");
    const forged = `${header}.${base64url({ sub: "p", role: "host", iat: nowSeconds() })}.${signature}`;
    expectRefused(forged, /invalid token/);
  });

  test("an expired token is refused", () => {
    expectRefused(signed({ sub: "p", role: "player", exp: nowSeconds() - 60 }), /expired/);
    expectRefused(signed({ sub: "p", role: "player" }, { expiresIn: -1 }), /expired/);
    expectRefused(authority.sign({ sub: "p", role: "player" }, -10), /expired/);
  });

  test("a token not valid yet (nbf in the future) is refused", () => {
    expectRefused(signed({ sub: "p", role: "player" }, { notBefore: "1h" }), /invalid token/);
  });

  test("alg none is refused, with or without a signature part", () => {
    const claims = { sub: "p", role: "host", iat: nowSeconds() };
    expectRefused(unsigned(claims), /invalid token/);
    expectRefused(unsigned(claims).slice(0, -1), /invalid token/);
  });

  test.each(["HS384", "HS512"] as const)("a token signed with %s and the right secret is refused (only HS256 is allowed)", (algorithm) => {
    const token = signed({ sub: "p", role: "host" }, { algorithm });
    expect(jwt.verify(token, SECRET)).toMatchObject({ sub: "p", role: "host" });
    expectRefused(token, /invalid token/);
  });

  test.each<[string, object]>([
    ["no sub", { role: "player" }],
    ["an empty sub", { sub: "", role: "player" }],
    ["a numeric sub", { sub: 42, role: "player" }],
    ["a sub over 128 characters", { sub: "x".repeat(129), role: "player" }],
    ["no role", { sub: "p" }],
    ["role admin", { sub: "p", role: "admin" }],
    ["role Host (wrong case)", { sub: "p", role: "Host" }],
    ["a role that is not a string", { sub: "p", role: ["host"] }],
  ])("a correctly signed token with %s is refused", (_label, payload) => {
    expectRefused(signed(payload), /needs sub/);
  });

  describe("token times", () => {
    test("a token without exp is refused, with or without iat", () => {
      expectRefused(bare({ sub: "p", role: "player" }), /needs exp/);
      expectRefused(bare({ sub: "p", role: "player", iat: nowSeconds() }), /needs exp/);
      expectRefused(bare({ sub: "p", role: "player", exp: "never" }), /invalid token/);
    });

    test("exp more than AUTH_MAX_TOKEN_TTL_S away is refused, even without iat (a token valid until 2200)", () => {
      expectRefused(bare({ sub: "p", role: "player", exp: Date.UTC(2200, 0, 1) / 1000 }), /exp is more than 86400 s away/);
      expectRefused(bare({ sub: "p", role: "player", exp: nowSeconds() + 86_400 + 120 }), /more than 86400 s/);
      expect(authority.verify(bare({ sub: "p", role: "player", exp: nowSeconds() + 86_400 - 120 }))).toMatchObject({ sub: "p" });
    });

    test("a lifetime (exp − iat) over the cap is refused even when exp is near", () => {
      const now = nowSeconds();
      expectRefused(bare({ sub: "p", role: "player", iat: now - 86_400, exp: now + 600 }), /lifetime/);
      expect(authority.verify(bare({ sub: "p", role: "player", iat: now - 3600, exp: now + 600 }))).toMatchObject({ sub: "p" });
    });

    test("iat in the future is refused beyond 60 s of clock skew, accepted within it", () => {
      const now = nowSeconds();
      expectRefused(bare({ sub: "p", role: "player", iat: now + 3600, exp: now + 7200 }), /iat is in the future/);
      expectRefused(bare({ sub: "p", role: "player", iat: now + 120, exp: now + 600 }), /iat is in the future/);
      expect(authority.verify(bare({ sub: "p", role: "player", iat: now + 30, exp: now + 600 }))).toMatchObject({ sub: "p" });
    });

    test("the cap is configurable, and sign never issues past it", () => {
      const short = new TokenAuthority(SECRET, { ...DEFAULT_TOKEN_RULES, maxTtlSeconds: 300 });
      expectRefusedBy(short, bare({ sub: "p", role: "player", exp: nowSeconds() + 600 }), /more than 300 s/);
      const payload = jwt.decode(short.sign({ sub: "p", role: "player" })) as jwt.JwtPayload;
      expect(payload.exp! - payload.iat!).toBe(300);
      expect(short.verify(short.sign({ sub: "p", role: "player" }))).toMatchObject({ sub: "p", role: "player" });
    });

    test("times are read from the injected clock", () => {
      const start = Date.UTC(2030, 0, 1);
      let now = start;
      const clocked = new TokenAuthority(SECRET, { ...DEFAULT_TOKEN_RULES, now: () => now });
      const token = clocked.sign({ sub: "p", role: "player" }, 60);
      expect(clocked.verify(token)).toEqual({ sub: "p", role: "player", expiresAtMs: start + 60_000 });
      now = start + 60_000;
      expect(clocked.verify(token)).toMatch(/expired/);
    });
  });
});

function expectRefusedBy(verifier: TokenAuthority, token: string, reason: RegExp): void {
  expect(verifier.verify(token)).toMatch(reason);
}
