import { Announcer } from "../common/announcer";
import { CountDown } from "../common/count-down";
import { byTestId, coalesce, setShown, setText } from "../common/dom";
import { ballName, columnOf, money, patternLabel, phaseKey, phaseLabel, plural } from "../common/format";
import type { AwardView } from "../common/game-state";
import type { GameTracker } from "../common/game-tracker";
import { syncPatterns } from "../common/patterns-view";

const RECENT = 8;

/**
 * The presenter screen (a TV or a stream, 16:9): the latest ball large, the balls before it,
 * the live count while claiming, the latest award, the commitment and, at the end, the seed.
 * Read-only: it never sends anything but its join.
 */
export class StageView {
  private readonly root = byTestId("screen");
  private readonly title = byTestId("screen-title");
  private readonly phase = byTestId("phase");
  private readonly code = byTestId("screen-code");
  private readonly ball = byTestId("screen-ball");
  private readonly caption = byTestId("screen-caption");
  private readonly count = byTestId("screen-count");
  private readonly slotsLeft = new CountDown(byTestId("screen-slots-left"));
  private readonly recent = byTestId("screen-recent");
  private readonly patterns = this.root.querySelector(".stage-patterns") as HTMLElement;
  private readonly announce = byTestId("screen-announce");
  private readonly commitment = byTestId("screen-commitment");
  private readonly seedRow = byTestId("screen-seed-row");
  private readonly seed = byTestId("screen-seed");
  private readonly announcer = new Announcer();
  private readonly recordRow = byTestId("screen-record-row");
  private readonly recordLink = byTestId<HTMLAnchorElement>("screen-record-link");

  constructor(private readonly tracker: GameTracker) {
    tracker.onChange(coalesce(() => this.render()));
    this.root.hidden = false;
    this.render();
  }

  render(): void {
    const state = this.tracker.current;
    const draws = this.tracker.draws;
    const slots = this.tracker.slots;
    document.title = `${state.title} · Screen · Bingo Live`;
    setText(this.title, state.title);
    setText(this.code, state.id);
    setText(this.phase, phaseLabel(state.phase, state.paused));
    this.phase.dataset.phase = phaseKey(state.phase, state.paused);
    syncPatterns(this.patterns, state);

    const last = draws.length > 0 ? draws[draws.length - 1] : null;
    setText(this.ball, last === null ? "" : ballName(last, state.variant));
    this.ball.className = `stage-ball${last === null ? "" : ` col-${columnOf(last, state.variant)}`}`;
    setText(this.caption, last === null ? "No balls yet" : `Ball ${draws.length} of ${state.variant}`);
    const before = draws.slice(Math.max(0, draws.length - 1 - RECENT), Math.max(0, draws.length - 1)).reverse();
    const signature = before.join(",");
    if (this.recent.dataset.signature !== signature) {
      this.recent.dataset.signature = signature;
      this.recent.replaceChildren(
        ...before.map((ball) => {
          const item = document.createElement("li");
          item.className = `ball col-${columnOf(ball, state.variant)}`;
          item.textContent = String(ball);
          item.dataset.testid = "screen-recent-ball";
          return item;
        }),
      );
    }

    const claiming = state.phase === "claiming" && slots.version > 0;
    setShown(this.count, claiming);
    this.slotsLeft.set(slots.version > 0 ? slots.remaining : null);

    const latest = state.awards[state.awards.length - 1];
    setShown(this.announce, latest !== undefined);
    setText(this.announce, latest ? announcement(latest, state.currency) : "");
    this.announcer.update(draws, state.awards, state.variant);

    setText(this.commitment, state.commitment);
    setShown(this.seedRow, state.seed !== null);
    setText(this.seed, state.seed ?? "");
    // Spelled out in full: people watching a TV type it rather than click it.
    setShown(this.recordRow, state.phase === "finished");
    const record = `${location.origin}/record/${encodeURIComponent(state.id)}`;
    if (this.recordLink.href !== record) this.recordLink.href = record;
    setText(this.recordLink, record);
  }
}

/** "Line! Card 7 wins 10.00" — or two cards sharing the prize. */
export function announcement(award: AwardView, currency?: string): string {
  // A winner's display name, when set, follows the card: "Card 7 (Ana) wins".
  const cards = award.winners.map((winner) => (winner.name ? `${winner.cardId} (${winner.name})` : String(winner.cardId)));
  // A crowd of winners is counted: the room hears only the first few cards of it.
  const more = award.winnerCount - cards.length;
  const who =
    cards.length === 0
      ? `${plural(award.winnerCount, "card")} ${award.winnerCount === 1 ? "wins" : "share it, each"}`
      : award.winnerCount === 1
        ? `Card ${cards[0]} wins`
        : `${plural(award.winnerCount, "card")} share it: ${cards.join(", ")}${more > 0 ? ` and ${more} more` : ""}, each`;
  return `${patternLabel(award.pattern)}! ${who}${award.prizeEach > 0 ? ` ${money(award.prizeEach, currency)}` : ""}`;
}
