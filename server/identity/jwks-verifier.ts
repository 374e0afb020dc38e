import type { JSONWebKeySet, JWTPayload } from "jose";
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify } from "jose";
import type { BucketLimit } from "../domain/token-bucket";
import { TokenBucket } from "../domain/token-bucket";
import type { IdentityVerifier, VerifiedIdentity } from "../ports/identity";
import type { RoleRules } from "./roles";
import { roleOf } from "./roles";
import type { TokenRules } from "./tokens";
import { checkTokenTimes } from "./tokens";

/** An identity provider's signing keys (AUTH_JWKS_URL, or the Firebase preset) and what its tokens must say. */
export interface JwksIssuer {
  readonly url: string;
  /** Asymmetric algorithms accepted (AUTH_ALGORITHMS); never HS* or none. */
  readonly algorithms: readonly string[];
  readonly issuer: string;
  readonly audience: string;
  /** A key fetch that has not finished (body included) by then fails (AUTH_JWKS_TIMEOUT_MS). */
  readonly timeoutMs: number;
}

/** How often the keys may be fetched; defaults suit production, tests shrink them. */
export interface JwksFetchPolicy {
  /**
   * Fetches allowed, whatever asks (unknown kids, refresh, retries while down): a burst, so a
   * rotation right after a fetch still works on its first token, then a steady rate.
   */
  readonly fetches: BucketLimit;
  /** A kid just looked for and not found is refused without a fetch for this long. */
  readonly unknownKidMemoryMs: number;
  /** At most this many such kids are remembered (the oldest is forgotten first): bounded memory. */
  readonly maxUnknownKids: number;
  /** Keys older than this are refetched in the background (the old ones serve meanwhile). */
  readonly refreshAfterMs: number;
  /** A larger key document is refused (the fetch is cut): bounded memory. */
  readonly maxDocumentBytes: number;
}

export const DEFAULT_JWKS_FETCH_POLICY: JwksFetchPolicy = {
  fetches: { burst: 3, perSecond: 1 },
  unknownKidMemoryMs: 60_000,
  maxUnknownKids: 1024,
  refreshAfterMs: 10 * 60_000,
  maxDocumentBytes: 1024 * 1024,
};

/** Longest token accepted: provider ID tokens with custom claims stay far below. */
const MAX_TOKEN_LENGTH = 8192;
const MAX_KID_LENGTH = 256;

type KeySet = ReturnType<typeof createLocalJWKSet>;

/**
 * Verifies an identity provider's tokens against its published keys (a JWKS), with jose.
 * Keys are picked by the token's `kid`. A kid not in the keys held makes the node fetch the
 * keys again at once, so a rotated key works on its first token; fetches are rate-limited
 * (a token bucket) whatever asks, and a kid looked for and not found is refused from memory
 * for a while, so tokens with made-up kids cannot make the node fetch per connection. While
 * the provider is unreachable the keys held keep serving; without any, tokens are refused.
 *
 * The fetch is ours rather than jose's createRemoteJWKSet: its timeout covers only the
 * response headers (a body that trickles would hold its one pending fetch, and every token
 * waiting on it, for ever), it reads a body of any size, and its own refetch rules
 * (cooldownDuration, cacheMaxAge) would have to be switched off for the rules above anyway.
 */
export class JwksVerifier implements IdentityVerifier {
  private keys: KeySet | null = null;
  private kids = new Set<string>();
  private loadedAtMs = -Infinity;
  private readonly fetchAllowance: TokenBucket;
  private pending: Promise<string | null> | null = null;
  /** kid → when it was looked for and not found; insertion order is age order. */
  private readonly unknownKids = new Map<string, number>();
  private fetchesStarted = 0;

  constructor(
    private readonly source: JwksIssuer,
    private readonly roles: RoleRules,
    private readonly rules: TokenRules,
    private readonly policy: JwksFetchPolicy = DEFAULT_JWKS_FETCH_POLICY,
  ) {
    this.fetchAllowance = new TokenBucket(policy.fetches, rules.now());
  }

  async verify(token: unknown): Promise<VerifiedIdentity | string> {
    if (typeof token !== "string" || token.length === 0) return "missing token: connect with auth: { token }";
    if (token.length > MAX_TOKEN_LENGTH) return "token too long";
    let alg: unknown;
    let kid: unknown;
    try {
      ({ alg, kid } = decodeProtectedHeader(token));
    } catch {
      return "invalid token: not a JWT (its header does not decode)";
    }
    if (typeof alg !== "string" || !this.source.algorithms.includes(alg)) {
      return `invalid token: algorithm ${String(alg)} is not accepted (accepted: ${this.source.algorithms.join(", ")})`;
    }
    if (typeof kid !== "string" || kid.length === 0 || kid.length > MAX_KID_LENGTH) return "invalid token: needs a kid header naming the issuer's signing key";
    const found = await this.keysWith(kid);
    if (found !== null) return found;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys!, {
        algorithms: [...this.source.algorithms],
        issuer: this.source.issuer,
        audience: this.source.audience,
        requiredClaims: ["exp", "sub"],
        currentDate: new Date(this.rules.now()),
      }));
    } catch (error) {
      return `invalid token: ${joseReason(error)}`;
    }
    const sub = payload.sub;
    if (typeof sub !== "string" || sub.length === 0 || sub.length > 128) return "invalid token: sub must be 1-128 characters";
    const role = roleOf(payload, sub, this.roles);
    if (role !== "player" && role !== "host") return role;
    const times = checkTokenTimes(payload, this.rules);
    if (typeof times === "string") return times;
    return { sub, role, expiresAtMs: times.expiresAtMs };
  }

  /** Null once the keys held include `kid` (fetching them if allowed), else why the token is refused. */
  private async keysWith(kid: string): Promise<string | null> {
    const now = this.rules.now();
    if (this.kids.has(kid)) {
      if (now - this.loadedAtMs >= this.policy.refreshAfterMs && this.mayFetch(now)) void this.fetch();
      return null;
    }
    const missedAt = this.unknownKids.get(kid);
    if (missedAt !== undefined && now - missedAt < this.policy.unknownKidMemoryMs) {
      return "invalid token: unknown kid (not among the issuer's keys when last fetched)";
    }
    if (!this.pending && !this.mayFetch(now)) {
      return this.keys
        ? "invalid token: unknown kid (the issuer's keys were fetched too often lately; try again shortly)"
        : "invalid token: the issuer's keys are not available yet (fetching them failed just now; try again shortly)";
    }
    const failed = await this.fetch();
    if (this.kids.has(kid)) return null;
    if (failed !== null) return `invalid token: ${failed}`;
    this.rememberUnknown(kid, now);
    return "invalid token: unknown kid (not among the issuer's keys)";
  }

  /** Spends from the fetch allowance when no fetch is under way (one under way is joined, for free). */
  private mayFetch(now: number): boolean {
    return !this.pending && this.fetchAllowance.take(now);
  }

  /** Fetches the keys once, shared by everyone waiting; null when the keys were replaced, else why not. */
  private fetch(): Promise<string | null> {
    if (this.pending) return this.pending;
    this.fetchesStarted++;
    this.pending = this.download().then(
      (document) => {
        this.keys = createLocalJWKSet(document);
        this.kids = new Set(document.keys.map((key) => key.kid).filter((kid): kid is string => typeof kid === "string"));
        this.loadedAtMs = this.rules.now();
        return null;
      },
      (error: unknown) => `the issuer's keys could not be fetched (${error instanceof Error ? error.message : String(error)})`,
    );
    void this.pending.finally(() => (this.pending = null));
    return this.pending;
  }

  private async download(): Promise<JSONWebKeySet> {
    const response = await fetch(this.source.url, { signal: AbortSignal.timeout(this.source.timeoutMs), headers: { accept: "application/json" } });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status} from the JWKS URL`);
    }
    const declared = Number(response.headers.get("content-length"));
    if (declared > this.policy.maxDocumentBytes) {
      await response.body?.cancel();
      throw new Error(`JWKS document over ${this.policy.maxDocumentBytes} bytes`);
    }
    const text = await readCapped(response, this.policy.maxDocumentBytes);
    const document = JSON.parse(text) as unknown;
    if (typeof document !== "object" || document === null || !Array.isArray((document as JSONWebKeySet).keys)) {
      throw new Error("the JWKS URL did not answer a key set ({ keys: [...] })");
    }
    return document as JSONWebKeySet;
  }

  private rememberUnknown(kid: string, now: number): void {
    this.unknownKids.delete(kid);
    this.unknownKids.set(kid, now);
    while (this.unknownKids.size > this.policy.maxUnknownKids) this.unknownKids.delete(this.unknownKids.keys().next().value!);
  }

  /** How many key fetches this verifier has started. */
  get fetches(): number {
    return this.fetchesStarted;
  }

  /** How many unknown kids are remembered (bounded by maxUnknownKids). */
  get rememberedUnknownKids(): number {
    return this.unknownKids.size;
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new Error(`JWKS document over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** jose's reason, in words an operator can act on; never the token. */
function joseReason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "expired (exp is past)";
  if (error instanceof errors.JWTClaimValidationFailed) return `${error.claim} claim check failed (${error.reason}): ${error.message}`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return "signature does not verify with the issuer's key";
  if (error instanceof errors.JOSEError) return error.message;
  return "does not verify";
}
