import type { Award, PatternName, Phase, Variant } from "../../../shared/protocol";
import { DEFAULT_CURRENCY } from "../../../shared/protocol";
import type { PlayerPart, SharedGame } from "../../ports/game-store";
import { awardOf, expandCardRanges, parseCardRanges } from "../game-records";

/** How many game fields `bingo_view` and `bingo_view_many` answer first (VIEW_FIELDS in lua/view.lua). */
export const VIEW_FIELD_COUNT = 21;

/** The game's part of a view reply: its first VIEW_FIELD_COUNT values, and the awards (JSON each). */
export function sharedGameOf(gameId: string, fields: readonly string[], awards: readonly string[]): SharedGame {
  const [phase, title, variant, max, total, remaining, version, seed, commitment, patterns, prizes, rv, drawn, paused, auto, pattern, host, grace, rids, currency, nextGame] =
    fields;
  return {
    id: gameId,
    hostId: host,
    title,
    variant: Number(variant) as Variant,
    phase: phase as Phase,
    seed,
    commitment,
    patterns: patterns.split(",") as PatternName[],
    prizes: prizes.split(",").map(Number),
    maxPerPlayer: Number(max),
    slots: { total: Number(total), remaining: Number(remaining), version: Number(version) },
    drawn: Number(drawn),
    pattern: Number(pattern),
    paused: paused === "1",
    autoIntervalMs: Number(auto) > 0 ? Number(auto) : null,
    awards: awards.map(parseAward),
    roundVersion: Number(rv),
    graceMs: Number(grace),
    // Games created before the setting existed publish the sub.
    recordIds: rids === "salted-hash" ? "salted-hash" : "sub",
    // Games created before currencies existed were in the default one.
    currency: currency || DEFAULT_CURRENCY,
    next: nextGame || null,
  };
}

/** A player's part from its stored card ranges and auto flag ('' = none stored). */
export function playerPartOf(ranges: string, autoFlag: string): PlayerPart {
  return { cardIds: expandCardRanges(parseCardRanges(ranges)), autoClaim: autoFlag === "" ? null : autoFlag === "1" };
}

/** A stored award (JSON, with the record's times) as clients see it. */
export function parseAward(json: string): Award {
  return awardOf(JSON.parse(json) as Award);
}
