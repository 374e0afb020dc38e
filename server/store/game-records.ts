import type { Award, SlotState } from "../../shared/protocol";

export function slotsOf(record: { readonly total: number; readonly remaining: number; readonly version: number }): SlotState {
  return { total: record.total, remaining: record.remaining, version: record.version };
}

/** [first, count, first, count, ...] → the card ids, in grant order. */
export function expandCardRanges(ranges: readonly number[]): number[] {
  const ids: number[] = [];
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    for (let id = ranges[i]; id < ranges[i] + ranges[i + 1]; id++) ids.push(id);
  }
  return ids;
}

/** "first:count,first:count" (as claims.lua stores it) → [first, count, first, count] */
export function parseCardRanges(text: string): number[] {
  if (!text) return [];
  const out: number[] = [];
  for (const range of text.split(",")) {
    const [first, count] = range.split(":");
    out.push(Number(first), Number(count));
  }
  return out;
}

/** The award as clients see it, from what a store keeps (which adds the record's times). */
export function awardOf({ pattern, ballIndex, winners, prizeEach, remainder }: Award): Award {
  return { pattern, ballIndex, winners, prizeEach, remainder };
}
