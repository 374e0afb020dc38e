/**
 * Game codes, without zod: the client SDK needs the spelling rule too, and a browser
 * bundle that imports this module leaves the schemas out.
 */

/** Game ids are server-made codes; the charset also keeps `{` `}` out of Redis hash tags. */
export const GAME_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A game code as people type it: any case. The server makes codes in capitals
 * (server/game/game-ids.ts), so every code that arrives is read in capitals: a phone
 * keyboard's `b5zdwgnd` is the game `B5ZDWGND`.
 */
export function normalGameId(id: string): string {
  return id.toUpperCase();
}
