import { z } from "zod";

/**
 * A player's push preferences (`push:prefs`): kinds of push they do not want, and quiet
 * hours. Kept in their own file so the push settings stay beside each other.
 */

/** The push kinds (`data.type` of every push; see docs/push.md). Same list as server/domain/push-messages.ts. */
export const PUSH_KIND_NAMES = ["claims", "claims-closed", "round-start", "won", "finished", "next"] as const;
export type PushKindName = (typeof PUSH_KIND_NAMES)[number];

/** "HH:MM", 24-hour clock, in the quiet hours' time zone. */
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected "HH:MM" (00:00 to 23:59)');

/**
 * An IANA zone name as phones report it (`Europe/Paris`, `America/Argentina/Buenos_Aires`,
 * `UTC`): what iOS's `TimeZone.current.identifier`, Android's `ZoneId.systemDefault()` and
 * `Intl.DateTimeFormat().resolvedOptions().timeZone` return. A zone rather than a UTC
 * offset so the window follows daylight saving time without the app sending it again.
 */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const quietHoursSchema = z
  .object({
    /** When the quiet starts (inclusive), local time. */
    start: timeOfDay,
    /** When it ends (exclusive), local time; before `start` for a window across midnight. */
    end: timeOfDay,
    timeZone: z.string().max(64).refine(isTimeZone, "expected an IANA time zone name, e.g. Europe/Paris"),
  })
  .strict()
  .refine((q) => q.start !== q.end, "start and end must differ");

/**
 * A change of push preferences: each field given replaces what is stored, a field left out
 * keeps it. `{}` changes nothing and reads the stored preferences back.
 */
export const pushPrefsSchema = z
  .object({
    /** The kinds this player wants no push of, on any device (`[]`: every kind). */
    muted: z.array(z.enum(PUSH_KIND_NAMES)).max(PUSH_KIND_NAMES.length * 2).optional(),
    /** When the player's phones stay quiet (see docs/push.md); null removes the quiet hours. */
    quietHours: quietHoursSchema.nullable().optional(),
  })
  .strict();

export type QuietHours = z.infer<typeof quietHoursSchema>;
export type PushPrefsPayload = z.infer<typeof pushPrefsSchema>;

/** The preferences stored for a player (the ack of `push:prefs`). Defaults: nothing muted, no quiet hours. */
export interface PushPrefs {
  /** In PUSH_KIND_NAMES order, each kind once. */
  readonly muted: readonly PushKindName[];
  readonly quietHours: QuietHours | null;
}
