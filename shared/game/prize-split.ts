/**
 * How one pattern's pool is shared, in integer minor currency units (cents) so no money is
 * created or lost to rounding: every winner gets floor(pool / winners) and the rest,
 * pool - each * winners (less than one unit per winner), is the remainder. The remainder
 * rolls over into the next pattern's pool; after the last pattern the house keeps it.
 */
export function splitPrize(pool: number, winners: number): { each: number; remainder: number } {
  if (!Number.isSafeInteger(pool) || pool < 0) throw new RangeError(`pool must be a non-negative integer of minor units, got ${pool}`);
  if (!Number.isSafeInteger(winners) || winners < 1) throw new RangeError(`winners must be an integer >= 1, got ${winners}`);
  const each = Math.floor(pool / winners);
  return { each, remainder: pool - each * winners };
}
