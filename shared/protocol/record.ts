import { z } from "zod";
import { MAX_PRIZE } from "./payloads";
import { RECORD_ID_KINDS } from "./state";

const patternName = z.enum(["line", "four-corners", "full-house", "one-line", "two-lines"]);
const ball = z.number().int().min(1).max(90);
/** Store-clock epoch milliseconds. */
const ms = z.number().int().min(0);
const winner = z.object({ playerId: z.string(), cardId: z.number().int().min(1) });

/**
 * Accepted bingo calls that share a store time, a pattern, a ball and a kind: the first
 * accepted call of each card for each pattern (a repeat adds nothing). Auto-claim calls,
 * the bulk of a large game, are summarised this way by card.
 */
export const recordedCallsSchema = z.object({
  /** When the store accepted them. */
  at: ms,
  /** Index into `patterns` of the pattern in play. */
  pattern: z.number().int().min(0).max(2),
  /** The ball on which the card completes that pattern (never before the pattern came into play). */
  ballIndex: z.number().int().min(0).max(89),
  /** Made by the server for players with auto-claim on. */
  auto: z.boolean(),
  cards: z.array(winner).min(1),
});
export type RecordedCalls = z.infer<typeof recordedCallsSchema>;

/** When an award was made: store time, and how many balls were drawn then. */
export const awardTimeSchema = z.object({ at: ms, drawn: z.number().int().min(0).max(90) });
export type AwardTime = z.infer<typeof awardTimeSchema>;

/**
 * A finished game's public record (`GET /api/games/<id>/record`): everything anyone needs
 * to re-derive the draw and the cards from the revealed seed and recompute every award from
 * the accepted calls (see docs/fairness.md). Parsed with this schema before it is verified.
 */
export const publicRecordSchema = z.object({
  gameId: z.string(),
  variant: z.union([z.literal(75), z.literal(90)]),
  /** Lowercase hex SHA-256 of the seed's 32 bytes, published when the game was created. */
  commitment: z.string(),
  seed: z.string(),
  /** Balls in the order drawn. */
  draws: z.array(ball).max(90),
  /** Store time of each draw, in the same order. */
  drawnAt: z.array(ms).max(90),
  /** The claim window's grace: ball j's window closes graceMs after ball j+1 is drawn, and no later than graceMs (+1 ms) after the pattern's first accepted call. */
  graceMs: z.number().int().min(0),
  /** What `playerId` holds: the operator's `sub`, or its salted hash (see RecordIds). */
  recordIds: z.enum(RECORD_ID_KINDS),
  patterns: z.array(patternName).min(1).max(3),
  /** Pool per pattern, minor currency units. */
  prizes: z.array(z.number().int().min(0).max(MAX_PRIZE)),
  /** ISO 4217 code the prizes are in (minor units); absent in records made before currencies. */
  currency: z.string().optional(),
  awards: z.array(
    z.object({
      pattern: patternName,
      /** Index into draws of the ball on which the winners' cards completed the pattern. */
      ballIndex: z.number().int().min(0),
      winners: z.array(winner),
      prizeEach: z.number().int().min(0),
      remainder: z.number().int().min(0),
    }),
  ),
  /** When each award was made, in the same order; award i brought pattern i+1 into play. */
  awardTimes: z.array(awardTimeSchema).max(3),
  /** Every accepted call, in the order the store accepted them. */
  calls: z.array(recordedCallsSchema),
  /** The winners' cards by card id. */
  cards: z.record(z.string(), z.array(z.array(z.number().int().min(0).max(90)))),
});

export type PublicRecord = z.infer<typeof publicRecordSchema>;
