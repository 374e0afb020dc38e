import type { KeyObject } from "node:crypto";
import { createSecretKey } from "node:crypto";
import jwt from "jsonwebtoken";
import { z } from "zod";
import type { Role } from "../../shared/protocol";
import { roleSchema } from "../../shared/protocol";

export interface Identity {
  readonly sub: string;
  readonly role: Role;
}

const claimsSchema = z.object({ sub: z.string().min(1).max(128), role: roleSchema });

const TOKEN_LIFETIME = "12h";

/** Issues and checks the HS256 tokens a socket connects with (`auth: { token }`). */
export class TokenAuthority {
  /**
   * A KeyObject made once: given a string, jsonwebtoken first tries to parse it as a PEM
   * public key on every verify, and that failed parse cost a quarter of a node's CPU
   * during a connection storm (measured with --cpu-prof).
   */
  private readonly secret: KeyObject;

  constructor(secret: string) {
    this.secret = createSecretKey(Buffer.from(secret, "utf8"));
  }

  sign(identity: Identity, expiresIn: jwt.SignOptions["expiresIn"] = TOKEN_LIFETIME): string {
    return jwt.sign({ role: identity.role }, this.secret, { algorithm: "HS256", subject: identity.sub, expiresIn });
  }

  /** The identity in a valid token, or a reason it is not valid. */
  verify(token: unknown): Identity | string {
    if (typeof token !== "string" || token.length === 0) return "missing token: connect with auth: { token }";
    if (token.length > 4096) return "token too long";
    let payload: unknown;
    try {
      payload = jwt.verify(token, this.secret, { algorithms: ["HS256"] });
    } catch (error) {
      return `invalid token: ${(error as Error).message}`;
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) return "invalid token: needs sub (1-128 chars) and role (player | host)";
    return claims.data;
  }
}
