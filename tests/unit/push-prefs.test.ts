import { PUSH_KINDS } from "../../server/domain/push-messages";
import type { ZoneFormatters } from "../../server/domain/push-prefs";
import { applyPushPrefs, inQuietHours, localMinuteOfDay, NO_PUSH_PREFS, pushPrefsFromStored, pushVerdict, storedPushPrefs } from "../../server/domain/push-prefs";
import type { PushPrefs } from "../../shared/protocol";
import { PUSH_KIND_NAMES } from "../../shared/protocol";

/** ms since the epoch of a UTC date and time. */
const utc = (iso: string): number => Date.parse(`${iso}Z`);

test("the protocol's push kinds are the server's", () => {
  expect([...PUSH_KIND_NAMES]).toEqual([...PUSH_KINDS]);
});

test("local time of day follows the zone, daylight saving time included", () => {
  expect(localMinuteOfDay(utc("2026-01-15T21:30:00"), "UTC")).toBe(21 * 60 + 30);
  // Paris is UTC+1 in winter, UTC+2 in summer.
  expect(localMinuteOfDay(utc("2026-01-15T21:30:00"), "Europe/Paris")).toBe(22 * 60 + 30);
  expect(localMinuteOfDay(utc("2026-07-15T21:30:00"), "Europe/Paris")).toBe(23 * 60 + 30);
  // Past local midnight: 00:15 the next day.
  expect(localMinuteOfDay(utc("2026-07-15T22:15:00"), "Europe/Paris")).toBe(15);
  expect(localMinuteOfDay(utc("2026-07-15T02:00:00"), "America/New_York")).toBe(22 * 60);
  expect(localMinuteOfDay(utc("2026-07-15T02:00:00"), "Asia/Kolkata")).toBe(7 * 60 + 30);
});

test("a window within one day: start inclusive, end exclusive", () => {
  const lunch = { start: "12:00", end: "13:30", timeZone: "UTC" };
  expect(inQuietHours(lunch, utc("2026-03-01T11:59:00"))).toBe(false);
  expect(inQuietHours(lunch, utc("2026-03-01T12:00:00"))).toBe(true);
  expect(inQuietHours(lunch, utc("2026-03-01T13:29:00"))).toBe(true);
  expect(inQuietHours(lunch, utc("2026-03-01T13:30:00"))).toBe(false);
});

test("a window across midnight covers the late evening and the early morning, not the day", () => {
  const night = { start: "22:00", end: "07:00", timeZone: "Europe/Paris" }; // UTC+1 in March
  expect(inQuietHours(night, utc("2026-03-01T20:59:00"))).toBe(false); // 21:59 local
  expect(inQuietHours(night, utc("2026-03-01T21:00:00"))).toBe(true); // 22:00
  expect(inQuietHours(night, utc("2026-03-01T23:00:00"))).toBe(true); // 00:00
  expect(inQuietHours(night, utc("2026-03-02T05:59:00"))).toBe(true); // 06:59
  expect(inQuietHours(night, utc("2026-03-02T06:00:00"))).toBe(false); // 07:00
  expect(inQuietHours(night, utc("2026-03-02T12:00:00"))).toBe(false);
});

test("a muted kind never goes, visible or not, quiet hours or not", () => {
  const prefs: PushPrefs = { muted: ["claims"], quietHours: null };
  const noon = utc("2026-03-01T12:00:00");
  expect(pushVerdict(prefs, "claims", true, noon)).toBe("muted");
  expect(pushVerdict(prefs, "claims", false, noon)).toBe("muted");
  expect(pushVerdict(prefs, "round-start", true, noon)).toBe("send");
  expect(pushVerdict(NO_PUSH_PREFS, "claims", true, noon)).toBe("send");
});

test("quiet hours hold back visible pushes only, except `won`, and only inside the window", () => {
  const prefs: PushPrefs = { muted: [], quietHours: { start: "23:00", end: "06:30", timeZone: "UTC" } };
  const night = utc("2026-03-01T02:00:00");
  const day = utc("2026-03-01T06:30:00");
  for (const kind of ["claims", "claims-closed", "round-start", "finished"] as const) {
    expect(pushVerdict(prefs, kind, true, night)).toBe("quiet-hours");
    expect(pushVerdict(prefs, kind, false, night)).toBe("send");
    expect(pushVerdict(prefs, kind, true, day)).toBe("send");
  }
  expect(pushVerdict(prefs, "won", true, night)).toBe("send");
  expect(pushVerdict({ ...prefs, muted: ["won"] }, "won", true, night)).toBe("muted");
});

test("a zone the runtime does not know counts as no quiet hours, never a failed push", () => {
  const prefs: PushPrefs = { muted: [], quietHours: { start: "00:00", end: "23:59", timeZone: "Nowhere/Atlantis" } };
  expect(pushVerdict(prefs, "claims", true, utc("2026-03-01T02:00:00"))).toBe("send");
});

test("formatters are made once per zone", () => {
  const formatters: ZoneFormatters = new Map();
  localMinuteOfDay(0, "Europe/Paris", formatters);
  const first = formatters.get("Europe/Paris");
  localMinuteOfDay(1, "Europe/Paris", formatters);
  expect(formatters.get("Europe/Paris")).toBe(first);
  expect(formatters.size).toBe(1);
});

test("a change replaces the fields it gives and keeps the others; muted kinds come sorted, once each", () => {
  const quiet = { start: "22:00", end: "07:00", timeZone: "UTC" };
  const set = applyPushPrefs(NO_PUSH_PREFS, { muted: ["finished", "claims", "finished"], quietHours: quiet });
  expect(set).toEqual({ muted: ["claims", "finished"], quietHours: quiet });
  expect(applyPushPrefs(set, {})).toEqual(set);
  expect(applyPushPrefs(set, { muted: [] })).toEqual({ muted: [], quietHours: quiet });
  expect(applyPushPrefs(set, { quietHours: null })).toEqual({ muted: ["claims", "finished"], quietHours: null });
});

test("stored preferences read back as written; anything unreadable reads as no preference", () => {
  const prefs: PushPrefs = { muted: ["claims-closed", "won"], quietHours: { start: "22:00", end: "07:00", timeZone: "Europe/Paris" } };
  const stored = storedPushPrefs(prefs);
  expect(pushPrefsFromStored(stored.muted, stored.quiet)).toEqual(prefs);
  expect(pushPrefsFromStored(undefined, undefined)).toEqual(NO_PUSH_PREFS);
  expect(pushPrefsFromStored("", null)).toEqual(NO_PUSH_PREFS);
  expect(pushPrefsFromStored("claims,bogus", "{not json")).toEqual({ muted: ["claims"], quietHours: null });
  expect(pushPrefsFromStored(null, JSON.stringify({ start: "25:00", end: "07:00", timeZone: "UTC" }))).toEqual(NO_PUSH_PREFS);
});
