import type { Role } from "../../shared/protocol";

/** How an identity provider's token says who is a host (AUTH_ROLE_CLAIM, AUTH_HOST_SUBJECTS). */
export interface RoleRules {
  /** The claim holding `player` or `host` (Firebase: a custom claim set with setCustomUserClaims). */
  readonly claim: string;
  /** Subjects that are hosts when their token carries no role claim. */
  readonly hostSubjects: ReadonlySet<string>;
}

export const DEFAULT_ROLE_RULES: RoleRules = { claim: "role", hostSubjects: new Set() };

/**
 * The role a verified token speaks for, or why it has none. The claim, when present, decides
 * (a `player` claim beats a listed subject: the provider said so explicitly); without it a
 * listed subject is a host and anyone else a player. Any other value is refused rather than
 * guessed: a typo in the operator's backend must not quietly make hosts players or the reverse.
 */
export function roleOf(payload: Record<string, unknown>, sub: string, rules: RoleRules): Role | string {
  const value = payload[rules.claim];
  if (value === undefined || value === null) return rules.hostSubjects.has(sub) ? "host" : "player";
  if (value === "player" || value === "host") return value;
  return `invalid token: claim ${rules.claim} must be "player" or "host" (or absent: player)`;
}
