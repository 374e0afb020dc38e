/**
 * What a push a person should see says: the localisation keys the apps ship strings for,
 * their arguments, English fallback text, and the Android channel. Pure.
 *
 * Alerts are the moments a player acts on: claims open (the first `claims` of a window),
 * the round is starting, "you won", and the next game (`next`: the player is not in it yet,
 * so its own "claims open" would never reach them). Everything else is a silent refresh: counts (they
 * change too often to ring a phone), `claims-closed` (nothing left to do; the app clears
 * its "claims open" notification) and `finished` (the winners heard it with `won`; the
 * others only need the record when they next open the app).
 */

import type { PushEvent } from "./push-messages";

/** Android notification channels the apps create (one per kind of alert, so users can mute one). */
export const PUSH_CHANNELS = { claims: "bingo_claims", game: "bingo_game", results: "bingo_results" } as const;

export interface PushAlert {
  readonly channelId: string;
  readonly titleLocKey: string;
  readonly bodyLocKey: string;
  /** Arguments of the body string, in order (strings, as both FCM and APNs require). */
  readonly bodyLocArgs: readonly string[];
  /** Shown where the app's strings are not available (web, or an old app). */
  readonly title: string;
  readonly body: string;
}

/** The alert of an event, or null when it is a silent refresh. */
export function alertOf(event: PushEvent): PushAlert | null {
  const data = event.data;
  switch (event.kind) {
    case "claims": {
      if (data.opening !== "true") return null;
      const total = data.total ?? "";
      return {
        channelId: PUSH_CHANNELS.claims,
        titleLocKey: "push_claims_open_title",
        bodyLocKey: "push_claims_open_body",
        bodyLocArgs: [total],
        title: "Claims are open",
        body: `${total} cards to claim. Be quick!`,
      };
    }
    case "round-start":
      return {
        channelId: PUSH_CHANNELS.game,
        titleLocKey: "push_round_start_title",
        bodyLocKey: "push_round_start_body",
        bodyLocArgs: [],
        title: "The game is starting",
        body: "The first ball is about to be drawn.",
      };
    case "won": {
      const pattern = data.pattern ?? "";
      const prize = data.prizeEach ?? "0";
      return {
        channelId: PUSH_CHANNELS.results,
        titleLocKey: "push_won_title",
        bodyLocKey: "push_won_body",
        bodyLocArgs: [pattern, prize],
        title: "You won!",
        body: `Your card completed ${pattern}.`,
      };
    }
    case "next":
      return {
        channelId: PUSH_CHANNELS.game,
        titleLocKey: "push_next_game_title",
        bodyLocKey: "push_next_game_body",
        bodyLocArgs: [],
        title: "The next game is starting",
        body: "Same room, new cards: tap to join.",
      };
    case "claims-closed":
    case "finished":
      return null;
  }
}
