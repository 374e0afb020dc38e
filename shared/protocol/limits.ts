/**
 * The protocol's size limits, in a module of their own with no imports: the SDK reads them
 * without pulling the zod schemas (payloads.ts) into a browser bundle.
 */
export const MAX_CARDS_PER_CLAIM = 100;
export const MAX_PER_PLAYER = 100;
export const MAX_TOTAL_SLOTS = 10_000_000;
/** Winners an award lists to a room by default (server setting AWARD_WINNERS_SHOWN); the rest are counted. */
export const DEFAULT_AWARD_WINNERS_SHOWN = 20;
