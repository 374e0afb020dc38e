import type { Role } from "../../shared/protocol/payloads";

export interface Session {
  /**
   * The token for the next (re)connection. A `?token=` is given as it is; a development
   * token is fetched again once it is near its `exp`, so a page outlives its tokens.
   */
  readonly token: () => Promise<string>;
  /** Our player or host id, to recognise ourselves among winners; null if the token hides it. */
  readonly sub: string | null;
}

export type SignIn = { readonly ok: true; readonly session: Session } | { readonly ok: false; readonly message: string };

export const SIGN_IN_NEEDED = "Sign-in needed: open this page with ?token=…";

/**
 * A token from `?token=` when given (the identity is the token's), else a development
 * token. The dev id is remembered per browser, so a reload or a new tab keeps the same
 * identity (same cards, same games): a link opened again in another tab is not a new
 * player with no cards. Two players on one machine use two browsers (or profiles).
 */
export async function signIn(role: Role): Promise<SignIn> {
  const given = new URLSearchParams(location.search).get("token");
  if (given) return { ok: true, session: { token: async () => given, sub: subOf(given) } };

  const store = browserStorage();
  const key = `bingo:${role}:sub`;
  const first = await devToken(role, read(store, key));
  if (!first.ok) return first;
  write(store, key, first.sub);
  let current = first.token;
  const sub = first.sub;
  const token = async (): Promise<string> => {
    if (!nearExpiry(current)) return current;
    // Same identity (same cards, same games); on failure the old token is refused and the badge says so.
    const fresh = await devToken(role, sub);
    if (fresh.ok) current = fresh.token;
    return current;
  };
  return { ok: true, session: { token, sub } };
}

type DevToken = { readonly ok: true; readonly token: string; readonly sub: string } | { readonly ok: false; readonly message: string };

/** A development token from POST /api/dev/token (served only where the server allows dev tokens). */
async function devToken(role: Role, sub: string | null): Promise<DevToken> {
  let response: Response;
  try {
    response = await fetch("/api/dev/token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(sub ? { role, sub } : { role }),
    });
  } catch {
    return { ok: false, message: "Cannot reach the server. Check your connection and reload." };
  }
  if (response.status === 404) return { ok: false, message: SIGN_IN_NEEDED };
  if (!response.ok) return { ok: false, message: `Sign-in failed (HTTP ${response.status}).` };
  const body: unknown = await response.json().catch(() => null);
  if (!isTokenBody(body)) return { ok: false, message: "Sign-in failed: unexpected answer from the server." };
  return { ok: true, token: body.token, sub: body.sub };
}

/** True when a JWT's `exp` is less than a minute away (or unreadable): time to get another. */
function nearExpiry(token: string): boolean {
  const exp = claimsOf(token)?.exp;
  return typeof exp !== "number" || exp * 1000 - Date.now() < 60_000;
}

/** The `sub` claim of a JWT, read without checking it (the server checks it). */
export function subOf(token: string): string | null {
  const sub = claimsOf(token)?.sub;
  return typeof sub === "string" ? sub : null;
}

/** A JWT's claims, read without checking them. */
function claimsOf(token: string): Record<string, unknown> | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
    const claims: unknown = JSON.parse(json);
    return typeof claims === "object" && claims !== null ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A URL on this site that keeps the page's `?token=`, so history entries stay signed in. */
export function pageUrl(path: string, params: Readonly<Record<string, string>> = {}): string {
  const search = new URLSearchParams();
  const token = new URLSearchParams(location.search).get("token");
  if (token) search.set("token", token);
  for (const [name, value] of Object.entries(params)) search.set(name, value);
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

function isTokenBody(body: unknown): body is { token: string; sub: string } {
  return typeof body === "object" && body !== null && "token" in body && "sub" in body && typeof body.token === "string" && typeof body.sub === "string";
}

function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled: a fresh identity per load
  }
}

function read(store: Storage | null, key: string): string | null {
  try {
    return store?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(store: Storage | null, key: string, value: string): void {
  try {
    store?.setItem(key, value);
  } catch {
    // Not remembered: the next load signs in as someone new, which is still usable.
  }
}
