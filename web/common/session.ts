import type { Role } from "../../shared/protocol/payloads";

export interface Session {
  readonly token: string;
  /** Our player or host id, to recognise ourselves among winners; null if the token hides it. */
  readonly sub: string | null;
}

export type SignIn = { readonly ok: true; readonly session: Session } | { readonly ok: false; readonly message: string };

export const SIGN_IN_NEEDED = "Sign-in needed: open this page with ?token=…";

/**
 * A token from `?token=` when given, else a development token. The dev id is remembered so
 * a reload keeps the same identity (same cards, same games): per tab for players, so two
 * tabs are two players; per browser for hosts, so `/host?game=<id>` finds its own games.
 */
export async function signIn(role: Role): Promise<SignIn> {
  const given = new URLSearchParams(location.search).get("token");
  if (given) return { ok: true, session: { token: given, sub: subOf(given) } };

  const store = storageFor(role);
  const key = `bingo:${role}:sub`;
  const remembered = read(store, key);
  let response: Response;
  try {
    response = await fetch("/api/dev/token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(remembered ? { role, sub: remembered } : { role }),
    });
  } catch {
    return { ok: false, message: "Cannot reach the server. Check your connection and reload." };
  }
  if (response.status === 404) return { ok: false, message: SIGN_IN_NEEDED };
  if (!response.ok) return { ok: false, message: `Sign-in failed (HTTP ${response.status}).` };
  const body: unknown = await response.json().catch(() => null);
  if (!isTokenBody(body)) return { ok: false, message: "Sign-in failed: unexpected answer from the server." };
  write(store, key, body.sub);
  return { ok: true, session: { token: body.token, sub: body.sub } };
}

/** The `sub` claim of a JWT, read without checking it (the server checks it). */
export function subOf(token: string): string | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
    const claims: unknown = JSON.parse(json);
    return typeof claims === "object" && claims !== null && "sub" in claims && typeof claims.sub === "string" ? claims.sub : null;
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

function storageFor(role: Role): Storage | null {
  try {
    return role === "host" ? window.localStorage : window.sessionStorage;
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
