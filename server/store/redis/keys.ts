/**
 * Redis keys of one game. They share the hash tag {<gameId>}, so a game's MULTI and
 * functions touch one cluster slot (no CROSSSLOT on Redis Cluster).
 */
export function gameKeys(gameId: string) {
  const tag = `bingo:{${gameId}}`;
  return {
    game: `${tag}:game`,
    owned: `${tag}:owned`,
    cards: `${tag}:cards`,
    requests: `${tag}:req`,
    order: `${tag}:order`,
    times: `${tag}:times`,
    pending: `${tag}:pend`,
    awards: `${tag}:awards`,
    autoFlags: `${tag}:autoflags`,
    called: `${tag}:called`,
    calls: `${tag}:calls`,
    names: `${tag}:names`,
    roster: `${tag}:roster`,
  } as const;
}

/**
 * The index of one host's unfinished games: a sorted set of game ids scored by the ms
 * each was reserved. Its own hash tag {host:<hostId>}: on a Redis Cluster it lives on
 * another slot than the games, so it is read and written in commands of its own (see
 * RedisGameStore.createGame), never in a game's function.
 */
export function hostGamesKey(hostId: string): string {
  return `bingo:{host:${hostId}}:games`;
}
