import type { Card, SlotState } from "../../shared/protocol";

export function slotsOf(record: { readonly total: number; readonly remaining: number; readonly version: number }): SlotState {
  return { total: record.total, remaining: record.remaining, version: record.version };
}

/** [first, count, first, count, ...] → the cards, in grant order. */
export function expandCardRanges(ranges: readonly number[]): Card[] {
  const cards: Card[] = [];
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    for (let id = ranges[i]; id < ranges[i] + ranges[i + 1]; id++) cards.push({ id });
  }
  return cards;
}
