/**
 * What the push service worker shows for a push, and where a click on it leads. Pure (no
 * DOM, no service worker globals), so the rules are unit-tested in Node.
 *
 * A push from FCM arrives as JSON: `{ notification?, data?, fcmOptions?: { link }, from,
 * collapse_key, fcmMessageId }`. The server's data fields name the push (`type`, or `kind`)
 * and the game (`gameId`), with counts for `claims` pushes; a `notification` block, when the
 * server sends one, wins over the text built here.
 */

export interface Notice {
  readonly title: string;
  readonly options: {
    readonly body: string;
    /** One per kind and game: a newer push of the same kind replaces the shown one. */
    readonly tag: string;
    readonly renotify: boolean;
    readonly data: NoticeData;
  };
}

/** Kept with the notification, for the click. */
export interface NoticeData {
  /** Absolute URL on this site: the game's page, or the home page. */
  readonly link: string;
  readonly kind: string;
  readonly gameId: string | null;
}

const MAX_TITLE = 120;
const MAX_BODY = 400;
const GAME_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Parses a push's body as the service worker reads it; anything but a JSON object is an empty push. */
export function parsePush(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : {};
  } catch {
    return {};
  }
}

/** The notification for a push. Always one: browsers require a visible notification for every push. */
export function noticeFor(payload: Record<string, unknown>, origin: string): Notice {
  const data = stringFields(payload.data);
  const notification = isObject(payload.notification) ? stringFields(payload.notification) : null;
  const kind = data.type ?? data.kind ?? "update";
  const gameId = data.gameId !== undefined && GAME_ID.test(data.gameId) ? data.gameId : null;
  const built = textFor(kind, data, gameId);
  const fcmOptions = stringFields(payload.fcmOptions ?? payload.fcm_options);
  const link = sameOrigin(fcmOptions.link ?? notification?.click_action, origin) ?? new URL(gameId ? `/play/${gameId}` : "/", origin).href;
  return {
    title: clip(notification?.title || built.title, MAX_TITLE),
    options: {
      body: clip(notification?.body || built.body, MAX_BODY),
      tag: `${clip(kind, 40)}:${gameId ?? "-"}`,
      renotify: true,
      data: { link, kind, gameId },
    },
  };
}

/** Where a click on a notification goes: its link if it is on this site, else the home page. */
export function clickTarget(data: unknown, origin: string): string {
  const link = isObject(data) && typeof data.link === "string" ? sameOrigin(data.link, origin) : null;
  return link ?? new URL("/", origin).href;
}

/**
 * Which open page to focus for a click: one showing the target's path (a `?token=` it was
 * opened with may differ), or -1 to open a new window.
 */
export function pageToFocus(openUrls: readonly string[], target: string): number {
  const path = new URL(target).pathname.replace(/\/$/, "");
  return openUrls.findIndex((url) => {
    try {
      return new URL(url).pathname.replace(/\/$/, "") === path;
    } catch {
      return false;
    }
  });
}

function textFor(kind: string, data: Readonly<Record<string, string>>, gameId: string | null): { title: string; body: string } {
  const game = gameId ? `Game ${gameId}` : "Your game";
  const remaining = count(data.remaining);
  const total = count(data.total);
  switch (kind) {
    case "claims":
      return {
        title: "Cards on sale",
        body: remaining !== null && total !== null ? `${game}: ${remaining} of ${total} cards left. Claim yours now.` : `${game}: claim your cards now.`,
      };
    case "claims-closed":
      return data.reason === "sold-out"
        ? { title: "Sold out", body: `${game}: every card is taken.` }
        : { title: "Claims closed", body: `${game}: the host closed claiming${remaining !== null ? ` with ${remaining} cards left` : ""}.` };
    case "round-start":
      return { title: "The game is starting", body: `${game}: the balls are being drawn.` };
    case "won":
      return { title: "You won!", body: `${game}: your card won${data.pattern ? ` ${data.pattern}` : ""}.` };
    case "finished":
      return { title: "Game over", body: `${game} is finished: see the winners and the public record.` };
    default:
      return { title: "Bingo Live", body: `${game} has news.` };
  }
}

/** A whole non-negative number written as a string, or null. */
function count(value: string | undefined): number | null {
  return value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : null;
}

/** The URL if it parses and is on `origin` (a push must not send the player elsewhere). */
function sameOrigin(link: string | undefined, origin: string): string | null {
  if (!link) return null;
  try {
    const url = new URL(link, origin);
    return url.origin === new URL(origin).origin ? url.href : null;
  } catch {
    return null;
  }
}

/** The string-valued fields of an object (FCM data values are strings); others are ignored. */
function stringFields(value: unknown): Readonly<Record<string, string>> {
  if (!isObject(value)) return {};
  const fields: Record<string, string> = {};
  for (const [key, field] of Object.entries(value)) if (typeof field === "string") fields[key] = field;
  return fields;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
