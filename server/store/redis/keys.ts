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
  } as const;
}
