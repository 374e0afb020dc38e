import type { Variant } from "../../shared/protocol/state";
import type { AwardView } from "./game-state";
import { announcement, type Heard, type Listener } from "./announcements";
import { byTestId, setText } from "./dom";

/**
 * The page's one live region for screen readers (`data-testid="announcer"`, visually
 * hidden, aria-live="polite"): each ball drawn and each prize won, said once. Polite, not
 * assertive, for wins too: WAI-ARIA keeps assertive for what needs immediate action, and a
 * win needs none (the prize is awarded by itself). Counts (cards left, players) are not
 * announced: they change many times a second during claiming.
 */
export class Announcer {
  private readonly region = byTestId("announcer");
  /** Null until the first update: the state a page opens on is not news. */
  private heard: Heard | null = null;

  update(draws: readonly number[], awards: readonly AwardView[], variant: Variant, listener?: Listener): void {
    const now = { draws: draws.length, awards: awards.length };
    const text = this.heard === null ? null : announcement(this.heard, draws, awards, variant, listener);
    this.heard = now;
    if (text !== null) setText(this.region, text);
  }
}
