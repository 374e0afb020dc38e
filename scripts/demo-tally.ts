import type { Ack, Card, Claimed, ErrorCode, SlotState } from "../shared/protocol";

/** One claim the demo sent, with the answer it got. */
export interface ClaimRecord {
  readonly player: string;
  readonly requestId: string;
  readonly count: number;
  /** A deliberate re-send of a requestId this player already used. */
  readonly repeat: boolean;
  readonly ack: Ack<Claimed>;
}

export interface Tally {
  readonly claimsSent: number;
  readonly repeatsSent: number;
  readonly acksReceived: number;
  readonly noAck: number;
  /** Distinct (player, requestId) pairs. */
  readonly requests: number;
  readonly cardsAsked: number;
  readonly cardsGranted: number;
  readonly grantedInFull: number;
  readonly grantedInPart: number;
  readonly refusedByCode: ReadonlyMap<ErrorCode, number>;
  readonly duplicateCardIds: number;
  readonly playersOverLimit: number;
  /** Repeats whose answer equals the first answer to the same requestId. */
  readonly repeatsAnsweredAlike: number;
  /** Each player's granted card ids, sorted. */
  readonly cardsByPlayer: ReadonlyMap<string, readonly number[]>;
}

const keyOf = (record: ClaimRecord): string => `${record.player}\u0000${record.requestId}`;

/**
 * An SDK claim resolves to OUTCOME_UNKNOWN when the server never answered (it was sent) and
 * to UNAVAILABLE when it could not be sent; the in-memory server itself only sends
 * UNAVAILABLE while shutting down, which the demo never does mid-run.
 */
export const isNoAck = (ack: Ack<Claimed>): boolean => !ack.ok && (ack.error.code === "OUTCOME_UNKNOWN" || ack.error.code === "UNAVAILABLE");

export function tally(records: readonly ClaimRecord[], maxPerPlayer: number): Tally {
  const firsts = new Map<string, ClaimRecord>();
  for (const record of records) if (!record.repeat) firsts.set(keyOf(record), record);

  const refusedByCode = new Map<ErrorCode, number>();
  const cardsByPlayer = new Map<string, number[]>();
  let cardsAsked = 0;
  let cardsGranted = 0;
  let grantedInFull = 0;
  let grantedInPart = 0;
  for (const { player, count, ack } of firsts.values()) {
    cardsAsked += count;
    if (!ack.ok) {
      if (!isNoAck(ack)) refusedByCode.set(ack.error.code, (refusedByCode.get(ack.error.code) ?? 0) + 1);
      continue;
    }
    cardsGranted += ack.cards.length;
    if (ack.cards.length === count) grantedInFull++;
    else grantedInPart++;
    const held = cardsByPlayer.get(player) ?? [];
    held.push(...ack.cards.map((card) => card.id));
    cardsByPlayer.set(player, held);
  }
  for (const held of cardsByPlayer.values()) held.sort((a, b) => a - b);

  const repeats = records.filter((record) => record.repeat);
  const noAck = records.filter((record) => isNoAck(record.ack)).length;
  return {
    claimsSent: records.length,
    repeatsSent: repeats.length,
    acksReceived: records.length - noAck,
    noAck,
    requests: firsts.size,
    cardsAsked,
    cardsGranted,
    grantedInFull,
    grantedInPart,
    refusedByCode,
    duplicateCardIds: countDuplicates([...cardsByPlayer.values()].flat()),
    playersOverLimit: [...cardsByPlayer.values()].filter((held) => held.length > maxPerPlayer).length,
    repeatsAnsweredAlike: repeats.filter((repeat) => sameAnswer(repeat.ack, firsts.get(keyOf(repeat))?.ack)).length,
    cardsByPlayer,
  };
}

function countDuplicates(ids: readonly number[]): number {
  const seen = new Set<number>();
  let duplicates = 0;
  for (const id of ids) {
    if (seen.has(id)) duplicates++;
    else seen.add(id);
  }
  return duplicates;
}

/** Same cards, or the same refusal: what idempotency promises for a repeated requestId. */
function sameAnswer(a: Ack<Claimed>, b: Ack<Claimed> | undefined): boolean {
  if (!b || a.ok !== b.ok) return false;
  if (!a.ok || !b.ok) return !a.ok && !b.ok && a.error.code === b.error.code;
  return cardIds(a.cards).join() === cardIds(b.cards).join();
}

export const cardIds = (cards: readonly Card[]): number[] => cards.map((card) => card.id).sort((a, b) => a - b);

/** How often `remaining` went up between consecutive raw slot messages of the claim window. */
export function countRises(messages: readonly SlotState[], fromVersion: number, toVersion: number): number {
  let rises = 0;
  let previous: SlotState | undefined;
  for (const message of messages) {
    if (message.version < fromVersion || message.version > toVersion) continue;
    if (previous && message.remaining > previous.remaining) rises++;
    previous = message;
  }
  return rises;
}

export interface Check {
  readonly label: string;
  readonly value: string;
  readonly ok: boolean;
}

export interface CheckInputs {
  readonly tally: Tally;
  readonly slots: SlotState;
  readonly maxPerPlayer: number;
  readonly rises: number;
  readonly rawMessages: number;
  /** Players whose cards on the server (a fresh join) equal the cards their acks granted. */
  readonly recordsMatching: number;
  readonly players: number;
}

/** The demo's pass/fail list; any failed check makes the script exit non-zero. */
export function checks({ tally: t, slots, maxPerPlayer, rises, rawMessages, recordsMatching, players }: CheckInputs): Check[] {
  const oversold = t.cardsGranted - slots.total;
  return [
    { label: "oversold (granted - total)", value: String(Math.max(0, oversold)), ok: oversold <= 0 },
    { label: "card ids granted twice", value: String(t.duplicateCardIds), ok: t.duplicateCardIds === 0 },
    { label: `players holding more than ${maxPerPlayer}`, value: String(t.playersOverLimit), ok: t.playersOverLimit === 0 },
    { label: "claims that got no ack", value: String(t.noAck), ok: t.noAck === 0 },
    {
      label: "remaining = total - granted",
      value: `${slots.remaining} = ${slots.total} - ${t.cardsGranted}`,
      ok: slots.remaining === slots.total - t.cardsGranted,
    },
    {
      label: "re-sent requestIds answered as the first time",
      value: `${t.repeatsAnsweredAlike} of ${t.repeatsSent}`,
      ok: t.repeatsAnsweredAlike === t.repeatsSent,
    },
    {
      label: "times the watched `remaining` went up",
      value: `${rises} (in ${rawMessages} raw slot messages)`,
      ok: rises === 0,
    },
    {
      label: "players whose server record matches their acks",
      value: `${recordsMatching} of ${players}`,
      ok: recordsMatching === players,
    },
  ];
}
