import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { JWK, KeyLike } from "jose";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

/** One signing key of the test issuer: its private half signs, its public half is published. */
export interface IssuerKey {
  readonly kid: string;
  readonly alg: "RS256" | "ES256";
  readonly privateKey: KeyLike;
  readonly publicJwk: JWK;
}

export async function issuerKey(alg: "RS256" | "ES256", kid: string = `${alg.toLowerCase()}-${randomUUID()}`): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

export interface MintOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly sub?: string;
  /** Seconds from now; default 600. */
  readonly expiresIn?: number;
  /** Extra claims (a role claim, or claims to overwrite). */
  readonly claims?: Record<string, unknown>;
  /** The kid written in the header; default the key's own. */
  readonly kid?: string;
  /** Leave exp out altogether. */
  readonly noExp?: boolean;
}

/** A token signed by `key`, as the identity provider would mint it. */
export async function mint(key: IssuerKey, options: MintOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...options.claims })
    .setProtectedHeader({ alg: key.alg, kid: options.kid ?? key.kid, typ: "JWT" })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setSubject(options.sub ?? "player-1")
    .setIssuedAt(now);
  if (!options.noExp) jwt.setExpirationTime(now + (options.expiresIn ?? 600));
  return jwt.sign(key.privateKey);
}

/**
 * An identity provider's JWKS endpoint on loopback: serves the published keys, counts how
 * often it is fetched, and can rotate keys or go down (answer 503) as a real one might.
 */
export interface JwksServer {
  readonly url: string;
  /** How many times the key set was requested. */
  readonly fetches: number;
  /** Replaces the published keys (a rotation). */
  publish(keys: readonly IssuerKey[]): void;
  /** While down, every request is answered 503. */
  setDown(down: boolean): void;
  /** While stalled, answers send their headers and the start of the body, then nothing more. */
  setStalled(stalled: boolean): void;
  stop(): Promise<void>;
}

export async function startJwksServer(keys: readonly IssuerKey[]): Promise<JwksServer> {
  let published = keys;
  let fetches = 0;
  let down = false;
  let stalled = false;
  const server = createServer((_req, res) => {
    fetches++;
    if (down) {
      res.writeHead(503, { "content-type": "text/plain" });
      return void res.end("unavailable");
    }
    const body = JSON.stringify({ keys: published.map((key) => key.publicJwk) });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    if (stalled) return void res.write(body.slice(0, 10));
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    get fetches() {
      return fetches;
    },
    publish: (next) => void (published = next),
    setDown: (value) => void (down = value),
    setStalled: (value) => void (stalled = value),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
