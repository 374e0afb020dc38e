import { decodeProtectedHeader } from "jose";
import type { IdentityVerifier, VerifiedIdentity } from "../ports/identity";

/**
 * Sends each token to the one kind that may check it, by its header's `alg`: HS256 only to
 * the AUTH_SECRET verifier, an asymmetric algorithm only to the JWKS keys. The token never
 * picks a key of another type, so an HS256 token "signed" with the provider's RSA public
 * key as the HMAC secret (algorithm confusion) meets AUTH_SECRET and fails, and `alg: none`
 * reaches no verifier at all.
 */
export class AlgorithmRouter implements IdentityVerifier {
  constructor(
    /** HS256 with AUTH_SECRET (or the development secret); null: HS256 tokens are refused. */
    private readonly hs256: IdentityVerifier | null,
    /** The identity provider's keys and the algorithms they sign with; null: none configured. */
    private readonly jwks: { readonly verifier: IdentityVerifier; readonly algorithms: readonly string[] } | null,
  ) {}

  verify(token: unknown): VerifiedIdentity | string | Promise<VerifiedIdentity | string> {
    if (typeof token !== "string" || token.length === 0) return "missing token: connect with auth: { token }";
    let alg: unknown;
    try {
      ({ alg } = decodeProtectedHeader(token));
    } catch {
      return "invalid token: not a JWT (its header does not decode)";
    }
    if (alg === "HS256") return this.hs256 ? this.hs256.verify(token) : "invalid token: HS256 tokens are not accepted here (no AUTH_SECRET; sign in with the identity provider)";
    if (this.jwks && typeof alg === "string" && this.jwks.algorithms.includes(alg)) return this.jwks.verifier.verify(token);
    const accepted = [...(this.hs256 ? ["HS256"] : []), ...(this.jwks?.algorithms ?? [])];
    return `invalid token: algorithm ${String(alg)} is not accepted (accepted: ${accepted.join(", ")})`;
  }
}
