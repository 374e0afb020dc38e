import type { PatternName, RecordIds, Variant } from "../../shared/protocol";
import { DEFAULT_PATTERNS } from "../../shared/protocol";
import type { ClaimBatchArgs, ClaimBatchReply } from "../../server/domain/claim-batch";
import type { CallBatchArgs, CallBatchReply } from "../../server/domain/call-batch";
import { drawOrder } from "../../server/domain/cards";
import { commitmentOf } from "../../server/domain/fair-random";
import type { GameStore, NewGame, StoreResult } from "../../server/ports/game-store";

export const TEST_SEED = "5eed".repeat(16);

/** A NewGame with a fixed seed (or the given one) and its derived commitment and draw order. */
export function gameFixture(
  id: string,
  hostId: string,
  options: { title?: string; variant?: Variant; patterns?: PatternName[]; prizes?: number[]; graceMs?: number; seed?: string; recordIds?: RecordIds; currency?: string } = {},
): NewGame {
  const variant = options.variant ?? 75;
  const seed = options.seed ?? TEST_SEED;
  const patterns = options.patterns ?? [...DEFAULT_PATTERNS[variant]];
  return {
    id,
    hostId,
    title: options.title ?? "Contract",
    variant,
    seed,
    commitment: commitmentOf(seed),
    patterns,
    prizes: options.prizes ?? patterns.map(() => 0),
    order: drawOrder(seed, variant),
    graceMs: options.graceMs ?? 0,
    recordIds: options.recordIds ?? "sub",
    currency: options.currency ?? "EUR",
  };
}

/** One tick with only card claims. */
export async function claimBatch(store: GameStore, gameId: string, claims: ClaimBatchArgs): Promise<StoreResult<ClaimBatchReply>> {
  const tick = await store.resolveTick(gameId, { claims, calls: [], settle: false });
  return tick.ok ? { ok: true, value: tick.value.claims! } : tick;
}

/** One tick with only bingo calls. */
export async function callBatch(store: GameStore, gameId: string, calls: CallBatchArgs): Promise<StoreResult<CallBatchReply>> {
  const tick = await store.resolveTick(gameId, { claims: [], calls, settle: false });
  return tick.ok ? { ok: true, value: tick.value.calls! } : tick;
}
