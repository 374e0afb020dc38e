import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { Config } from "../config";
import type { IdentityVerifier } from "../ports/identity";
import { AlgorithmRouter } from "./algorithm-router";
import { JwksVerifier } from "./jwks-verifier";
import { DEFAULT_TOKEN_RULES, TokenAuthority } from "./tokens";

export interface NodeIdentity {
  /** Checks every connect token. */
  readonly verifier: IdentityVerifier;
  /** Present only when dev tokens are on: signs POST /api/dev/token's answers. */
  readonly devTokens?: TokenAuthority;
}

type IdentityConfig = Pick<Config, "authSecret" | "jwks" | "roles" | "devTokens" | "maxTokenTtlSeconds">;

/**
 * Picks the token kinds a node accepts from its configuration: HS256 with AUTH_SECRET, an
 * identity provider's keys (JWKS, or the Firebase preset), or both. A node with a provider
 * and no AUTH_SECRET accepts no HS256 token at all (unless dev tokens were asked for).
 */
export function identityFromConfig(config: IdentityConfig, log: Logger): NodeIdentity {
  // Token times are wall-clock times, whatever clock drives the game (tests drive that one by hand).
  const rules = { ...DEFAULT_TOKEN_RULES, maxTtlSeconds: config.maxTokenTtlSeconds };
  let secret = config.authSecret;
  if (!secret && (config.devTokens || !config.jwks)) {
    // loadConfig refuses production without AUTH_SECRET or a provider, so this is development only.
    secret = randomBytes(32).toString("base64url");
    log.warn(
      "AUTH_SECRET is not set: using a random secret for this process (development only; with several nodes set one AUTH_SECRET on all of them, or a token from one node is refused by the others)",
    );
  }
  const hs256 = secret ? new TokenAuthority(secret, rules) : null;
  if (config.devTokens) log.warn("serving POST /api/dev/token: anyone can get a host or player token (development; ALLOW_DEV_TOKENS=0 turns it off)");
  if (!config.jwks) return { verifier: hs256!, devTokens: config.devTokens ? hs256! : undefined };
  const { url, algorithms, issuer, audience } = config.jwks;
  const roles = { claim: config.roles.claim, hostSubjects: new Set(config.roles.hostSubjects) };
  const jwks = new JwksVerifier(config.jwks, roles, rules);
  log.info({ jwksUrl: url, algorithms, issuer, audience, roleClaim: roles.claim, hs256: hs256 !== null }, "identity provider tokens accepted (JWKS)");
  return { verifier: new AlgorithmRouter(hs256, { verifier: jwks, algorithms }), devTokens: config.devTokens ? hs256! : undefined };
}
