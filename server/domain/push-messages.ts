/**
 * What the server pushes to a backgrounded player's phone, as FCM v1 messages. Pure:
 * the outbox decides who gets an event; this decides what each message looks like.
 */

import { createHash } from "node:crypto";
import { alertOf } from "./push-alerts";

export const PUSH_KINDS = ["claims", "claims-closed", "round-start", "won", "finished", "next"] as const;
/**
 * - claims: the claim window opened (`opening: "true"`), or its count crossed a threshold
 * - claims-closed: sold out or closed by the host
 * - round-start: the round started
 * - won: this player's card won (sent to the winners only)
 * - finished: the game finished (seed revealed)
 * - next: the host started the next game (`next`: its id), after this one finished
 */
export type PushKind = (typeof PUSH_KINDS)[number];

export type Platform = "android" | "ios" | "web";

/** One event to push, as appended to the outbox once. */
export interface PushEvent {
  readonly kind: PushKind;
  readonly gameId: string;
  /** Data fields for the app; strings only, as FCM requires. */
  readonly data: Readonly<Record<string, string>>;
  /** Only these players (e.g. the winners); every backgrounded player of the game when absent. */
  readonly players?: readonly string[];
  /** Store-clock ms when the event happened (the TTL counts from here). */
  readonly at: number;
  /** A dead letter replayed: the outbox entry it came from, whose deliveries are skipped. */
  readonly replayOf?: string;
}

/** A game's stages as pushes describe them, in the game's order. */
export const PUSH_STAGES = ["open", "closed", "running", "finished"] as const;
export type PushStage = (typeof PUSH_STAGES)[number];

/** The stage a push of this kind describes; null for `won` (every pattern has its own) and `next` (after every stage). */
export function stageOf(kind: PushKind): PushStage | null {
  switch (kind) {
    case "claims":
      return "open";
    case "claims-closed":
      return "closed";
    case "round-start":
      return "running";
    case "finished":
      return "finished";
    case "won":
    case "next":
      return null;
  }
}

/**
 * Whether a `claims` entry (the opening or a count) no longer describes the game, judged
 * when it is about to be sent against what the cross-node gate recorded since it was
 * queued: claims closed since (on any node), or a newer count was let through. Phase
 * pushes are never superseded: each is queued once, in the game's order, and a later one
 * does not say everything an earlier one did ("sold out" is news after "round started").
 */
export function isSuperseded(event: PushEvent, gate: { readonly stage: PushStage | null; readonly version: number }): boolean {
  if (event.kind !== "claims" || gate.stage === null) return false;
  return gate.stage !== "open" || Number(event.data.version ?? -1) < gate.version;
}

export interface PushTarget {
  readonly playerId: string;
  readonly token: string;
  readonly platform: Platform;
}

/** The subset of an FCM v1 `Message` the server sends (firebase-admin's field names). */
export interface PushMessage {
  readonly token: string;
  readonly data: Readonly<Record<string, string>>;
  /** Alerts only: the text FCM shows where no platform block says more (and web push's fallback). */
  readonly notification?: { readonly title: string; readonly body: string };
  readonly android: {
    readonly collapseKey: string;
    readonly priority: "high" | "normal";
    readonly ttl: number;
    readonly notification?: {
      readonly channelId: string;
      readonly title: string;
      readonly body: string;
      readonly titleLocKey: string;
      readonly bodyLocKey: string;
      readonly bodyLocArgs: string[];
      readonly sound: string;
    };
  };
  readonly apns: {
    readonly headers: Readonly<Record<string, string>>;
    readonly payload: {
      readonly aps:
        | { readonly contentAvailable: true }
        | {
            readonly alert: { readonly title: string; readonly body: string; readonly titleLocKey: string; readonly locKey: string; readonly locArgs: string[] };
            readonly sound: string;
          };
    };
  };
  readonly webpush: {
    readonly headers: Readonly<Record<string, string>>;
    readonly notification?: { readonly title: string; readonly body: string; readonly tag: string };
    readonly fcmOptions?: { readonly link: string };
  };
}

/** What shapes a message beyond the event: where a web notification leads. */
export interface PushMessageOptions {
  /**
   * PUSH_LINK_BASE_URL: the player page's origin (https). A web alert then opens
   * `<base>/play/<gameId>`; without it the notification opens nothing by itself.
   */
  readonly linkBase?: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** How long each kind stays true (and worth delivering). */
export const PUSH_TTL_MS: { readonly [K in PushKind]: number } = {
  claims: 10 * MINUTE,
  "claims-closed": HOUR,
  "round-start": 30 * MINUTE,
  won: 24 * HOUR,
  finished: 24 * HOUR,
  next: 2 * HOUR,
};

/** One collapse key per kind per game: the phone keeps only the newest of a kind. */
export function collapseKey(kind: PushKind, gameId: string): string {
  return `${kind}:${gameId}`;
}

/**
 * The message for one token. TTL counts from the event, so a message that waited in the
 * outbox does not live longer than what it says stays true; an expired one is not sent
 * (null). Every message carries the same `data` and a collapse key per kind and game.
 *
 * An alert (see alertOf) is shown by the phone or browser itself: `notification`, Android
 * high priority with a channel and loc keys, APNs an alert push (priority 10) with loc
 * keys, web push a notification (and a link to the game when configured).
 *
 * Anything else is a silent refresh: Android normal priority (a high-priority message that
 * shows nothing gets downgraded anyway), APNs a background push (content-available,
 * priority 5), web push low urgency.
 */
export function pushMessage(event: PushEvent, target: PushTarget, now: number, options: PushMessageOptions = {}): PushMessage | null {
  const ttlMs = PUSH_TTL_MS[event.kind] - Math.max(0, now - event.at);
  if (ttlMs <= 0) return null;
  const key = collapseKey(event.kind, event.gameId);
  const data = { type: event.kind, gameId: event.gameId, ...event.data };
  const apnsHeaders = { "apns-collapse-id": key, "apns-expiration": String(Math.floor((now + ttlMs) / 1000)) };
  const webHeaders = { TTL: String(Math.ceil(ttlMs / 1000)), Topic: key.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 32) };
  const alert = alertOf(event);
  if (alert === null) {
    return {
      token: target.token,
      data,
      android: { collapseKey: key, priority: "normal", ttl: ttlMs },
      apns: { headers: { ...apnsHeaders, "apns-push-type": "background", "apns-priority": "5" }, payload: { aps: { contentAvailable: true } } },
      webpush: { headers: { ...webHeaders, Urgency: "normal" } },
    };
  }
  const { title, body } = alert;
  // `next` leads to the game it announces; any other alert to its own game.
  const linkGame = event.kind === "next" ? (event.data.next ?? event.gameId) : event.gameId;
  const link = options.linkBase ? `${options.linkBase.replace(/\/+$/, "")}/play/${encodeURIComponent(linkGame)}` : null;
  return {
    token: target.token,
    data,
    notification: { title, body },
    android: {
      collapseKey: key,
      priority: "high",
      ttl: ttlMs,
      notification: {
        channelId: alert.channelId,
        title,
        body,
        titleLocKey: alert.titleLocKey,
        bodyLocKey: alert.bodyLocKey,
        bodyLocArgs: [...alert.bodyLocArgs],
        sound: "default",
      },
    },
    apns: {
      headers: { ...apnsHeaders, "apns-push-type": "alert", "apns-priority": "10" },
      payload: { aps: { alert: { title, body, titleLocKey: alert.titleLocKey, locKey: alert.bodyLocKey, locArgs: [...alert.bodyLocArgs] }, sound: "default" } },
    },
    webpush: {
      headers: { ...webHeaders, Urgency: "high" },
      notification: { title, body, tag: key },
      ...(link ? { fcmOptions: { link } } : {}),
    },
  };
}

/** How a delivery record names a device: short, and not the token itself (a credential). */
export function deliveryKey(token: string): string {
  return createHash("sha256").update(token).digest("base64url").slice(0, 16);
}
