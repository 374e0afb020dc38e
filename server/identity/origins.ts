/**
 * Which browser origins may use this server (CORS_ORIGINS). Without a list, sockets are
 * accepted from any page (they authenticate with a token, not a cookie, so a foreign
 * page cannot borrow a player's session) and HTTP answers carry no CORS headers. With a
 * list, a socket whose handshake names another origin is refused, and HTTP answers to
 * listed origins carry `Access-Control-Allow-Origin`. Clients that send no Origin (apps,
 * scripts, other servers) and the server's own pages are always allowed.
 */
export class OriginPolicy {
  constructor(private readonly allowed: readonly string[] | "*" | null) {}

  /** May a socket opened by a page at `origin` (the handshake's Origin header) connect to `host`? */
  socketAllowed(origin: string | undefined, host: string | undefined): boolean {
    if (origin === undefined || this.allowed === null || this.allowed === "*") return true;
    return this.allowed.includes(origin) || sameOrigin(origin, host);
  }

  /** The `Access-Control-Allow-Origin` value for an HTTP request from `origin`, or null for none. */
  allowOrigin(origin: string | undefined): string | null {
    if (origin === undefined || this.allowed === null) return null;
    if (this.allowed === "*") return "*";
    return this.allowed.includes(origin) ? origin : null;
  }
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
