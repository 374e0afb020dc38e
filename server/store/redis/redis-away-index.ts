import type { PlayerJoin } from "../../ports/push-ports";
import type { RedisClient } from "./connection";
import { gameKeys } from "./keys";

/** A player the index gave as a candidate: their mark in `away` ('' when not in it), and the dead instances they are filed under in `on`. */
export interface AwayCandidate {
  readonly mark: string;
  readonly dead: readonly string[];
}

/** The players a push event of one game reads, by player id. */
export type AwayCandidates = ReadonlyMap<string, AwayCandidate>;

/** Keys of one game's push audience and away index (push-away.lua), all in the game's slot. */
export function awayKeys(gameId: string) {
  const tag = `bingo:{${gameId}}`;
  return { audience: `${tag}:audience`, away: `${tag}:away`, seq: `${tag}:awayseq`, on: `${tag}:on`, instances: `${tag}:instances` };
}

/**
 * Each game's index of the players who may be away, so a push event reads those, never the
 * whole audience (the rules and keys: lua/push-away.lua). Every call touches one game's
 * slot; what the index holds per player (the games they joined) stays with the directory.
 */
export class RedisAwayIndex {
  constructor(private readonly redis: RedisClient) {}

  /**
   * Each join into the audience; out of `away` and filed under its instance (its socket is
   * open), or, without one, marked away. One call per `chunk` joins, pipelined (all in the
   * game's slot).
   */
  async joinedMany(gameId: string, joins: readonly PlayerJoin[], chunk: number): Promise<void> {
    const a = awayKeys(gameId);
    const pipeline = this.redis.pipeline();
    for (let i = 0; i < joins.length; i += chunk) {
      const args = joins.slice(i, i + chunk).flatMap((join) => [join.playerId, join.instance ?? ""]);
      pipeline.fcall("bingo_push_joined", 6, a.audience, gameKeys(gameId).game, a.away, a.seq, a.on, a.instances, ...args);
    }
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }

  /**
   * Marks the player away in each game, and out of `on` under `instance` when their last
   * socket there closed ('' otherwise). Returns the games that are gone (game and audience).
   */
  async mark(playerId: string, games: readonly string[], instance: string): Promise<string[]> {
    const marked = await Promise.all(
      games.map((gameId) => {
        const a = awayKeys(gameId);
        return this.redis.fcall("bingo_push_away", 5, a.audience, gameKeys(gameId).game, a.away, a.seq, a.on, playerId, instance) as Promise<number>;
      }),
    );
    return games.filter((_, i) => marked[i] === -1);
  }

  /**
   * The game's candidates, given the instances alive now. Null for a game whose audience
   * started before the index (a deploy during the game): the caller reads the whole audience.
   */
  async candidates(gameId: string, live: readonly string[]): Promise<AwayCandidates | null> {
    const a = awayKeys(gameId);
    const reply = (await this.redis.fcall("bingo_push_candidates", 5, a.away, a.instances, a.on, a.audience, a.seq, ...live)) as string[][] | number;
    if (typeof reply === "number") return null;
    return new Map(reply.map(([playerId, mark, ...dead]) => [playerId, { mark, dead }]));
  }

  /**
   * Candidates found connected in the foreground, each with a live instance holding their
   * socket, leave `away` (unless marked again since they were read) for `on` under that
   * instance, so the index stays about as small as the players away. One round trip (the
   * game's keys share a slot).
   */
  async settle(gameId: string, candidates: AwayCandidates, back: readonly [playerId: string, instance: string][]): Promise<void> {
    if (back.length === 0) return;
    const a = awayKeys(gameId);
    const pipeline = this.redis.pipeline();
    for (const [playerId, live] of back) {
      const { mark, dead } = candidates.get(playerId)!;
      pipeline.fcall("bingo_push_settle", 4, a.away, a.on, a.instances, gameKeys(gameId).game, playerId, mark, live, ...dead);
    }
    await pipeline.exec();
  }
}
