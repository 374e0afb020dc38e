import { z } from "zod";
import type { AckOf, ClientEvent, Phase, ServerToClientEvents } from "../../shared/protocol";
import { CLIENT_EVENTS, MAX_PER_PLAYER, PATTERNS_BY_VARIANT, protocolErrorSchema, PUSH_KIND_NAMES } from "../../shared/protocol";

/**
 * Runtime schemas of everything the server sends (acks and room events), for tests that
 * must check shapes they did not make (the fuzz tests). The protocol states these shapes
 * as TypeScript types only; each schema below is tied to its type by the compile-time
 * check at the end of this file, so a change to shared/protocol that is not made here too
 * fails `tsc` instead of silently passing the fuzzers. Objects are strict: a key the
 * protocol does not name is a shape error.
 */

const PATTERN_NAMES = [...new Set(Object.values(PATTERNS_BY_VARIANT).flat())] as [
  (typeof PATTERNS_BY_VARIANT)[75 | 90][number],
  ...(typeof PATTERNS_BY_VARIANT)[75 | 90][number][],
];
/** Phase is a type only; the check below fails if this list and the type drift apart. */
const PHASES = ["lobby", "claiming", "running", "finished"] as const satisfies readonly Phase[];

const count = z.number().int().min(0);
const positive = z.number().int().min(1);
const ball = z.number().int().min(1).max(90);
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const patternName = z.enum(PATTERN_NAMES);

export const slotStateSchema = z
  .strictObject({ total: count, remaining: count, version: count })
  .refine((s) => s.remaining <= s.total, "remaining exceeds total");
const gridSchema = z.array(z.array(z.number().int().min(0).max(90)).min(5).max(9)).min(3).max(5);
const cardSchema = z.strictObject({ id: positive, grid: gridSchema });
/** game:join lists a card named in `knownCards` without its grid. */
const joinedCardSchema = z.strictObject({ id: positive, grid: gridSchema.optional() });
const winnerSchema = z.strictObject({ playerId: z.string().min(1), cardId: positive, name: z.string().min(1).max(96).optional() });
const playerWinSchema = z.strictObject({ pattern: patternName, cardId: positive, prizeEach: count });
const playerRowSchema = z.strictObject({
  playerId: z.string().min(1),
  name: z.string().min(1).max(96).nullable(),
  cards: count,
  presence: z.enum(["connected", "away"]),
  won: z.array(playerWinSchema).max(300),
});
/** The first winners (AWARD_WINNERS_SHOWN, 0 allowed) and how many there are: never more listed than counted. */
const awardSchema = z
  .strictObject({
    pattern: patternName,
    ballIndex: z.number().int().min(0).max(89),
    winners: z.array(winnerSchema),
    winnerCount: positive,
    prizeEach: count,
    remainder: count,
  })
  .refine((a) => a.winners.length <= a.winnerCount, "more winners listed than counted");
const roundStateSchema = z.strictObject({
  draws: z.array(ball).max(90),
  pattern: z.number().int().min(0).max(3),
  paused: z.boolean(),
  autoIntervalMs: z.number().int().positive().nullable(),
  awards: z.array(awardSchema).max(3),
  version: count,
});
const snapshotFields = {
  id: z.string().min(1),
  title: z.string(),
  variant: z.union([z.literal(75), z.literal(90)]),
  phase: z.enum(PHASES),
  commitment: hex64,
  seed: hex64.nullable(),
  patterns: z.array(patternName).min(1).max(3),
  prizes: z.array(count).min(1).max(3),
  maxPerPlayer: z.number().int().min(0).max(MAX_PER_PLAYER),
  slots: slotStateSchema,
  round: roundStateSchema,
  myCards: z.array(cardSchema),
  autoClaim: z.boolean(),
  graceMs: count,
  currency: z.string().regex(/^[A-Z]{3}$/),
  next: z.string().min(1).nullable(),
  myWins: z.array(playerWinSchema),
};
const snapshotSchema = z.strictObject(snapshotFields);
const joinSnapshotSchema = z.strictObject({ ...snapshotFields, myCards: z.array(joinedCardSchema) });

const OK = { ok: z.literal(true) };

/** The `{ ok: true, ... }` ack of each client event. */
export const OK_ACKS = {
  "game:create": z.strictObject({ ...OK, gameId: z.string().min(1), commitment: hex64 }),
  "claims:open": z.strictObject({ ...OK, slots: slotStateSchema }),
  "claims:close": z.strictObject({ ...OK, slots: slotStateSchema }),
  "game:join": z.strictObject({ ...OK, game: joinSnapshotSchema }),
  "game:peek": z.strictObject({ ...OK, game: snapshotSchema }),
  "cards:claim": z.strictObject({ ...OK, cards: z.array(cardSchema).min(1), slots: slotStateSchema }),
  "round:start": z.strictObject({ ...OK, round: roundStateSchema }),
  "round:draw": z.strictObject({ ...OK, ball, index: z.number().int().min(0).max(89), version: positive }),
  "round:auto": z.strictObject({ ...OK, round: roundStateSchema }),
  "round:pause": z.strictObject({ ...OK, round: roundStateSchema }),
  "round:resume": z.strictObject({ ...OK, round: roundStateSchema }),
  "round:end": z.strictObject({ ...OK, seed: hex64, results: z.array(awardSchema).max(3) }),
  "game:next": z.strictObject({ ...OK, gameId: z.string().min(1), commitment: hex64 }),
  "bingo:call": z.strictObject({ ...OK, pattern: patternName, ballIndex: z.number().int().min(0).max(89) }),
  "bingo:auto": z.strictObject({ ...OK, enabled: z.boolean() }),
  "push:register": z.strictObject(OK),
  "push:unregister": z.strictObject(OK),
  "app:state": z.strictObject({ ...OK, state: z.enum(["foreground", "background"]) }),
  "push:prefs": z.strictObject({
    ...OK,
    muted: z.array(z.enum(PUSH_KIND_NAMES)),
    quietHours: z.strictObject({ start: z.string().regex(/^\d\d:\d\d$/), end: z.string().regex(/^\d\d:\d\d$/), timeZone: z.string().min(1) }).nullable(),
  }),
  "player:name": z.strictObject({ ...OK, name: z.string().min(1).max(96) }),
  "players:list": z.strictObject({ ...OK, players: z.array(playerRowSchema).max(100), total: count, next: count.nullable() }),
} satisfies { readonly [E in ClientEvent]: z.ZodType };

/** `{ ok: false, error: { code, message, reason? } }` with a code of codes.ts and a non-empty message. */
export const errorAckSchema = z.strictObject({
  ok: z.literal(false),
  error: protocolErrorSchema,
});

/** Checks an ack of `event` against the protocol; returns why it does not fit, or null. */
export function ackProblem(event: ClientEvent, ack: unknown): string | null {
  const ok = typeof ack === "object" && ack !== null && (ack as { ok?: unknown }).ok === true;
  const parsed = (ok ? OK_ACKS[event] : errorAckSchema).safeParse(ack);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  return `${event} ack ${JSON.stringify(ack)?.slice(0, 300)} does not fit the protocol: ${issue.path.join(".")}: ${issue.message}`;
}

/** Every event the server sends to clients, and its message. */
export const SERVER_EVENTS = {
  slots: z.strictObject({ gameId: z.string().min(1), total: count, remaining: count, version: count, at: count }),
  "game:phase": z.strictObject({
    gameId: z.string().min(1),
    phase: z.enum(PHASES),
    maxPerPlayer: z.number().int().min(1).max(MAX_PER_PLAYER).optional(),
    paused: z.boolean().optional(),
    autoIntervalMs: z.number().int().positive().nullable().optional(),
    version: count.optional(),
  }),
  draw: z.strictObject({ gameId: z.string().min(1), ball, index: z.number().int().min(0).max(89), version: positive, at: count }),
  winners: z
    .strictObject({
      gameId: z.string().min(1),
      pattern: patternName,
      ballIndex: z.number().int().min(0).max(89),
      winners: z.array(winnerSchema),
      winnerCount: positive,
      prizeEach: count,
      version: positive,
    })
    .refine((m) => m.winners.length <= m.winnerCount, "more winners listed than counted"),
  "bingo:won": z.strictObject({
    gameId: z.string().min(1),
    pattern: patternName,
    ballIndex: z.number().int().min(0).max(89),
    cardIds: z.array(positive).min(1),
    prizeEach: count,
    version: positive,
  }),
  "game:finished": z.strictObject({ gameId: z.string().min(1), seed: hex64, results: z.array(awardSchema).max(3), version: count }),
  "game:stats": z.strictObject({ gameId: z.string().min(1), connected: count, claimsPerSecond: count, largestBatch: count }),
  "bingo:called": z.strictObject({
    gameId: z.string().min(1),
    playerId: z.string().min(1),
    cardId: positive,
    pattern: patternName,
    ballIndex: z.number().int().min(0).max(89),
    auto: z.boolean(),
  }),
  "server:draining": z.strictObject({ reason: z.string().min(1) }),
  "session:expired": z.strictObject({ reason: z.string().min(1) }),
  "game:next": z.strictObject({ from: z.string().min(1), to: z.string().min(1) }),
} satisfies { readonly [E in keyof ServerToClientEvents]: z.ZodType };

/** Checks a server event's arguments (exactly one message) against the protocol; returns why not, or null. */
export function serverEventProblem(event: string, args: readonly unknown[]): string | null {
  if (!Object.prototype.hasOwnProperty.call(SERVER_EVENTS, event)) return `unknown server event ${JSON.stringify(event)}`;
  if (args.length !== 1) return `${event} came with ${args.length} arguments`;
  const parsed = SERVER_EVENTS[event as keyof typeof SERVER_EVENTS].safeParse(args[0]);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  return `${event} ${JSON.stringify(args[0])?.slice(0, 300)} does not fit the protocol: ${issue.path.join(".")}: ${issue.message}`;
}

// ---- Compile-time: each schema above describes exactly its protocol type. ----

type Plain<T> = T extends readonly (infer U)[] ? Plain<U>[] : T extends object ? { -readonly [K in keyof T]: Plain<T[K]> } : T;
type Same<A, B> = [Plain<A>] extends [Plain<B>] ? ([Plain<B>] extends [Plain<A>] ? true : false) : false;

const ackShapes: { [E in ClientEvent]: Same<z.infer<(typeof OK_ACKS)[E]>, { ok: true } & AckOf<E>> } = {
  "game:create": true,
  "claims:open": true,
  "claims:close": true,
  "game:join": true,
  "game:peek": true,
  "cards:claim": true,
  "round:start": true,
  "round:draw": true,
  "round:auto": true,
  "round:pause": true,
  "round:resume": true,
  "round:end": true,
  "bingo:call": true,
  "bingo:auto": true,
  "push:register": true,
  "push:unregister": true,
  "app:state": true,
  "push:prefs": true,
  "player:name": true,
  "players:list": true,
  "game:next": true,
};
const eventShapes: { [E in keyof ServerToClientEvents]: Same<z.infer<(typeof SERVER_EVENTS)[E]>, Parameters<ServerToClientEvents[E]>[0]> } = {
  slots: true,
  "game:phase": true,
  draw: true,
  "server:draining": true,
  "session:expired": true,
  winners: true,
  "bingo:won": true,
  "game:finished": true,
  "game:stats": true,
  "bingo:called": true,
  "game:next": true,
};
const errorShape: Same<z.infer<typeof errorAckSchema>, Extract<import("../../shared/protocol").Ack, { ok: false }>> = true;
const phases: Same<(typeof PHASES)[number], Phase> = true;
/** Referenced so the checks are not unused; CLIENT_EVENTS keys the ack table at run time too. */
export const SHAPES_CHECKED = [ackShapes, eventShapes, errorShape, phases, Object.keys(CLIENT_EVENTS).every((e) => e in OK_ACKS)];
