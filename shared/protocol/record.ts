import { z } from "zod";
import { MAX_PRIZE } from "./payloads";

const patternName = z.enum(["line", "four-corners", "full-house", "one-line", "two-lines"]);
const ball = z.number().int().min(1).max(90);

/**
 * A finished game's public record (`GET /api/games/<id>/record`): everything anyone needs
 * to re-derive the draw and the winners' cards from the revealed seed and check the awards
 * (see README, "Provably fair"). Parsed with this schema before it is verified.
 */
export const publicRecordSchema = z.object({
  gameId: z.string(),
  variant: z.union([z.literal(75), z.literal(90)]),
  commitment: z.string(),
  seed: z.string(),
  /** Balls in the order drawn. */
  draws: z.array(ball).max(90),
  patterns: z.array(patternName).min(1).max(3),
  /** Pool per pattern, minor currency units. */
  prizes: z.array(z.number().int().min(0).max(MAX_PRIZE)),
  awards: z.array(
    z.object({
      pattern: patternName,
      /** Index into draws of the ball on which the winners' cards completed the pattern. */
      ballIndex: z.number().int().min(0),
      winners: z.array(z.object({ playerId: z.string(), cardId: z.number().int().min(1) })),
      prizeEach: z.number().int().min(0),
      remainder: z.number().int().min(0),
    }),
  ),
  /** The winners' cards by card id. */
  cards: z.record(z.string(), z.array(z.array(z.number().int().min(0).max(90)))),
});

export type PublicRecord = z.infer<typeof publicRecordSchema>;
