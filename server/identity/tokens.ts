import type { KeyObject } from "node:crypto";
import { createSecretKey } from "node:crypto";
import jwt from "jsonwebtoken";
import { z } from "zod";
import type { Identity, IdentityVerifier, VerifiedIdentity } from "../ports/identity";
import { roleSchema } from "../../shared/protocol";

/** The rules every kind of token is held to, whoever signed it. */
export interface TokenRules {
  /** Longest lifetime: caps both `exp − iat` and `exp − now` (AUTH_MAX_TOKEN_TTL_S). */
  readonly maxTtlSeconds: number;
  /** How far ahead of this node's clock a token's `iat` may be (clocks of two machines differ a little). */
  readonly clockSkewSeconds: number;
  /** Milliseconds since the epoch; injected for tests. */
  readonly now: () => number;
}

export const DEFAULT_TOKEN_RULES: TokenRules = { maxTtlSeconds: 86_400, clockSkewSeconds: 60, now: Date.now };

const claimsSchema = z.object({ sub: z.string().min(1).max(128), role: roleSchema });
const timesSchema = z.object({ exp: z.number().finite(), iat: z.number().finite().optional() });

const TOKEN_LIFETIME_S = 12 * 3600;

/**
 * Holds a verified token's times to the rules: `exp` required, lifetime capped, `iat` not
 * in the future. Shared by every IdentityVerifier so each kind refuses the same tokens.
 */
export function checkTokenTimes(payload: unknown, rules: TokenRules): { expiresAtMs: number } | string {
  const times = timesSchema.safeParse(payload);
  if (!times.success) return "invalid token: needs exp (a number of seconds since the epoch)";
  const { exp, iat } = times.data;
  const nowS = rules.now() / 1000;
  if (exp - nowS > rules.maxTtlSeconds) return `invalid token: exp is more than ${rules.maxTtlSeconds} s away`;
  if (iat !== undefined) {
    if (iat - nowS > rules.clockSkewSeconds) return "invalid token: iat is in the future";
    if (exp - iat > rules.maxTtlSeconds) return `invalid token: lifetime (exp − iat) over ${rules.maxTtlSeconds} s`;
  }
  return { expiresAtMs: exp * 1000 };
}

/** Issues and checks the HS256 tokens signed with AUTH_SECRET (or the development secret). */
export class TokenAuthority implements IdentityVerifier {
  /**
   * A KeyObject made once: given a string, jsonwebtoken first tries to parse it as a PEM
   * public key on every verify, and that failed parse cost a quarter of a node's CPU
   * during a connection storm (measured with --cpu-prof).
   */
  private readonly secret: KeyObject;

  constructor(
    secret: string,
    private readonly rules: TokenRules = DEFAULT_TOKEN_RULES,
  ) {
    this.secret = createSecretKey(Buffer.from(secret, "utf8"));
  }

  /** A token for `identity` that lives `expiresInSeconds` (default 12 h, never above the cap). */
  sign(identity: Identity, expiresInSeconds: number = Math.min(TOKEN_LIFETIME_S, this.rules.maxTtlSeconds)): string {
    const iat = Math.floor(this.rules.now() / 1000);
    return jwt.sign({ role: identity.role, iat, exp: iat + expiresInSeconds }, this.secret, { algorithm: "HS256", subject: identity.sub });
  }

  verify(token: unknown): VerifiedIdentity | string {
    if (typeof token !== "string" || token.length === 0) return "missing token: connect with auth: { token }";
    if (token.length > 4096) return "token too long";
    let payload: unknown;
    try {
      payload = jwt.verify(token, this.secret, { algorithms: ["HS256"], clockTimestamp: Math.floor(this.rules.now() / 1000) });
    } catch (error) {
      return `invalid token: ${(error as Error).message}`;
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) return "invalid token: needs sub (1-128 chars) and role (player | host)";
    const times = checkTokenTimes(payload, this.rules);
    if (typeof times === "string") return times;
    return { sub: claims.data.sub, role: claims.data.role, expiresAtMs: times.expiresAtMs };
  }
}
