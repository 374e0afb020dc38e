/**
 * Display names players choose. The rules (docs/protocol.md, "Player names"): Unicode NFC,
 * surrounding white space trimmed, then 1 to MAX_NAME_LENGTH code points; no control or
 * invisible formatting characters (C0/C1 controls, bidirectional overrides and isolates,
 * zero-width and line/paragraph separators), which could hide or reorder text on the host's
 * screen and in exported files. A name that breaks a rule is refused, never changed into
 * another name behind the player's back. No zod here: the pages import these rules.
 */
export const MAX_NAME_LENGTH = 24;
/** Longer input is refused before any work is done on it. */
export const MAX_RAW_NAME = 256;
/** Controls, format characters (bidi, zero-width, BOM), private use, unassigned, separators other than the space. */
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;

/** The name a player typed, as it is stored: NFC and trimmed. */
export function normalName(raw: string): string {
  return raw.normalize("NFC").trim();
}

/** Why a (normalised) name is refused, or null when it is fine. */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return "name must not be empty";
  if ([...name].length > MAX_NAME_LENGTH) return `name must be at most ${MAX_NAME_LENGTH} characters`;
  if (FORBIDDEN_IN_NAME.test(name)) return "name must not contain control or invisible characters";
  if (/\s{2,}/u.test(name)) return "name must not contain runs of spaces";
  return null;
}
