/**
 * Whether a player's push preferences let a push through now. Pure: the store that picks
 * the audience asks this for each player and device.
 *
 * Quiet hours hold back what a phone would show or ring for: alerts, and every push to a
 * browser (a browser shows each push). Silent refreshes to Android and iOS still go: they
 * show nothing and keep the app's state fresh. Alerts are dropped, not downgraded to silent
 * ones: a downgraded alert shows nothing either, iOS delivers silent pushes a few times an
 * hour at best, and by the end of the quiet hours the moment has passed (claims close within
 * minutes). `won` is exempt: a prize is rare, concerns the player's money, and is worth
 * waking for; a player who disagrees mutes `won`.
 */

import type { PushKindName, PushPrefs, PushPrefsPayload, QuietHours } from "../../shared/protocol/push-prefs";
import { PUSH_KIND_NAMES } from "../../shared/protocol/push-prefs";

export const NO_PUSH_PREFS: PushPrefs = { muted: [], quietHours: null };

/** Kinds pushed even during quiet hours. */
export const QUIET_HOURS_EXEMPT: ReadonlySet<PushKindName> = new Set<PushKindName>(["won"]);

/** "send", or why not. */
export type PushVerdict = "send" | "muted" | "quiet-hours";

/** Time zone formatters, kept by the caller (making one costs far more than using it). */
export type ZoneFormatters = Map<string, Intl.DateTimeFormat>;

/** The stored preferences after a change: each field given replaces, a field left out is kept. */
export function applyPushPrefs(current: PushPrefs, change: PushPrefsPayload): PushPrefs {
  return {
    muted: change.muted === undefined ? current.muted : PUSH_KIND_NAMES.filter((kind) => change.muted!.includes(kind)),
    quietHours: change.quietHours === undefined ? current.quietHours : change.quietHours,
  };
}

/** Minutes since local midnight at `at` (ms since the epoch) in `timeZone`. */
export function localMinuteOfDay(at: number, timeZone: string, formatters?: ZoneFormatters): number {
  let format = formatters?.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formatters?.set(timeZone, format);
  }
  let hour = 0;
  let minute = 0;
  for (const part of format.formatToParts(at)) {
    if (part.type === "hour") hour = Number(part.value) % 24;
    else if (part.type === "minute") minute = Number(part.value);
  }
  return hour * 60 + minute;
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether `at` falls in the quiet hours: from `start` (inclusive) to `end` (exclusive), across midnight when end < start. */
export function inQuietHours(quiet: QuietHours, at: number, formatters?: ZoneFormatters): boolean {
  const now = localMinuteOfDay(at, quiet.timeZone, formatters);
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/**
 * Whether a push of `kind` goes to one of the player's devices at `at`. `visible`: the
 * device would show it (an alert, or any push to a browser).
 */
export function pushVerdict(prefs: PushPrefs, kind: PushKindName, visible: boolean, at: number, formatters?: ZoneFormatters): PushVerdict {
  if (prefs.muted.includes(kind)) return "muted";
  if (!visible || !prefs.quietHours || QUIET_HOURS_EXEMPT.has(kind)) return "send";
  try {
    return inQuietHours(prefs.quietHours, at, formatters) ? "quiet-hours" : "send";
  } catch {
    // A zone this runtime does not know (stored by a node with newer time zone data): no quiet hours.
    return "send";
  }
}

/**
 * Preferences as a store keeps them, read back defensively: anything unreadable (an older
 * format, a hand edit) counts as no preference rather than failing the push.
 */
export function pushPrefsFromStored(muted: string | undefined | null, quiet: string | undefined | null): PushPrefs {
  const kinds = (muted ?? "").split(",").filter((k): k is PushKindName => (PUSH_KIND_NAMES as readonly string[]).includes(k));
  let quietHours: QuietHours | null = null;
  if (quiet) {
    try {
      const parsed = JSON.parse(quiet) as Partial<QuietHours>;
      const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
      if (hhmm.test(String(parsed.start)) && hhmm.test(String(parsed.end)) && typeof parsed.timeZone === "string") {
        quietHours = { start: parsed.start!, end: parsed.end!, timeZone: parsed.timeZone };
      }
    } catch {
      quietHours = null;
    }
  }
  return { muted: kinds, quietHours };
}

/** The stored form of each field (see pushPrefsFromStored). */
export function storedPushPrefs(prefs: PushPrefs): { muted: string; quiet: string | null } {
  return { muted: prefs.muted.join(","), quiet: prefs.quietHours ? JSON.stringify(prefs.quietHours) : null };
}
