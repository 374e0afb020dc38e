import { BingoClient, ConnectError } from "../../shared/client/bingo-client";
import type { ClientSocket } from "../../shared/client/bingo-client";
import { byTestId } from "./dom";
import type { Session } from "./session";
import { signIn } from "./session";

type LinkState = "connected" | "reconnecting" | "offline";

const LABELS: { readonly [S in LinkState]: string } = {
  connected: "Connected",
  reconnecting: "Reconnecting…",
  offline: "Offline",
};

export type Connected = { readonly ok: true; readonly client: BingoClient } | { readonly ok: false; readonly message: string };

/** After this long without a first connection the page says it is still trying. */
export const SLOW_CONNECT_MS = 10_000;
const STILL_TRYING = "Still connecting: the game server is busy (many players are joining). This page keeps trying; there is no need to reload.";

/**
 * Connects to this page's server and keeps the `connection` badge true to the socket and
 * to the browser's network state. Resolves once the first connection is made or refused:
 * it never gives up on a server that is up but busy (at a show's start everyone opens the
 * page at once), and after SLOW_CONNECT_MS `slow(text)` says so until it connects. A
 * reload would only put the player at the back of the server's queue again.
 */
export async function connect(session: Session, badge: HTMLElement, slow: (text: string | null) => void = () => undefined): Promise<Connected> {
  const client = new BingoClient({
    url: location.origin,
    token: session.token,
    connectTimeoutMs: Infinity,
    // Back quickly after a phone wakes or a network switch; the defaults wait up to 5 s.
    socketOptions: { reconnectionDelay: 500, reconnectionDelayMax: 2000 },
  });
  const link = trackLink(client.socket, badge);
  const timer = setTimeout(() => slow(STILL_TRYING), SLOW_CONNECT_MS);
  try {
    await client.open();
    return { ok: true, client };
  } catch (error) {
    link.giveUp();
    if (error instanceof ConnectError && error.code === "UNAUTHORIZED") {
      return { ok: false, message: `Sign-in refused: ${error.message}. Open this page with a valid ?token=…` };
    }
    return { ok: false, message: "Cannot reach the game server. Check your connection and reload the page." };
  } finally {
    clearTimeout(timer);
    slow(null);
  }
}

function trackLink(socket: ClientSocket, badge: HTMLElement): { giveUp(): void } {
  let socketState: LinkState = "reconnecting";
  const paint = (): void => {
    const state: LinkState = navigator.onLine ? socketState : "offline";
    badge.dataset.state = state;
    if (badge.textContent !== LABELS[state]) badge.textContent = LABELS[state];
  };
  const set = (state: LinkState): void => {
    socketState = state;
    paint();
  };
  socket.on("connect", () => set("connected"));
  socket.on("disconnect", (reason) => {
    if (reason === "io client disconnect") return set("offline");
    // The server closed us (e.g. a node shutting down): socket.io does not retry that by itself.
    if (reason === "io server disconnect") socket.connect();
    set("reconnecting");
  });
  socket.io.on("reconnect_attempt", () => set("reconnecting"));
  socket.io.on("reconnect_failed", () => set("offline"));
  window.addEventListener("online", paint);
  window.addEventListener("offline", paint);
  paint();
  return { giveUp: () => set("offline") };
}

/**
 * A page's start: sign in as `role`, connect, and keep the connection badge up to date.
 * On failure the page's notice says why (and the badge shows offline); returns null.
 */
export async function startPage(role: "player" | "host"): Promise<{ client: BingoClient; session: Session } | null> {
  const badge = byTestId("connection");
  const notice = byTestId("notice");
  const fail = (message: string): null => {
    notice.textContent = message;
    notice.hidden = false;
    badge.dataset.state = "offline";
    badge.textContent = "Offline";
    return null;
  };
  const signedIn = await signIn(role);
  if (!signedIn.ok) return fail(signedIn.message);
  const connected = await connect(signedIn.session, badge, (text) => {
    notice.textContent = text ?? "";
    notice.hidden = text === null;
  });
  if (!connected.ok) return fail(connected.message);
  return { client: connected.client, session: signedIn.session };
}
