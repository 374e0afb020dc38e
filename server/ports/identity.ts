import type { Role } from "../../shared/protocol";

export interface Identity {
  readonly sub: string;
  readonly role: Role;
}

/** Who a valid token speaks for, and until when (its `exp`): a socket is cut at that moment. */
export interface VerifiedIdentity extends Identity {
  /** The token's `exp`, in milliseconds since the epoch. */
  readonly expiresAtMs: number;
}

/**
 * Checks the token a socket connects with (`auth: { token }`). Kinds behind it (see
 * server/identity): HS256 with AUTH_SECRET, an identity provider's keys (JWKS), or both,
 * chosen by the token header's `alg`. Every kind holds its tokens to the same times
 * (checkTokenTimes) and the same role rules.
 */
export interface IdentityVerifier {
  /**
   * The identity in a valid token, or a reason it is not valid (safe to show the client and
   * to log; never the token). A kind that may have to fetch keys first (JWKS) answers with
   * a promise; it never rejects.
   */
  verify(token: unknown): VerifiedIdentity | string | Promise<VerifiedIdentity | string>;
}
