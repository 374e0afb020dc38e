import { v4 as uuidv4 } from "uuid";
import type { GameTracker } from "../common/game-tracker";
import { CountDown } from "../common/count-down";
import { byTestId, setText } from "../common/dom";
import { errorText, plural } from "../common/format";

/**
 * The claim rush: the big "cards left" counter, how many to claim, and the answer.
 * The counter is fed only by the SDK's version-ordered slot state (events and claim acks),
 * so while claiming is open it never goes up.
 */
export class ClaimPanel {
  private readonly left = byTestId("slots-left");
  private readonly leftCount = new CountDown(this.left);
  private readonly total = byTestId("slots-total");
  private readonly hint: HTMLElement;
  private readonly count = byTestId<HTMLSelectElement>("claim-count");
  private readonly button = byTestId<HTMLButtonElement>("claim-button");
  private readonly result = byTestId("claim-result");
  private busy = false;
  /** A claim whose outcome is not known is sent again with the same id, so it is never granted twice. */
  private unanswered: { readonly count: number; readonly requestId: string } | null = null;

  constructor(private readonly tracker: GameTracker) {
    const section = this.button.closest(".claim-panel") as HTMLElement;
    this.hint = section.querySelector(".counter-hint") as HTMLElement;
    (this.button.form as HTMLFormElement).addEventListener("submit", (event) => {
      event.preventDefault();
      void this.claim();
    });
  }

  render(): void {
    const state = this.tracker.current;
    const slots = this.tracker.slots;
    // Before the first claim window there is no count: a dash, not "0 of 0".
    this.leftCount.set(slots.version > 0 ? slots.remaining : null);
    setText(this.total, slots.version > 0 ? String(slots.total) : "–");
    this.left.classList.toggle("sold-out", state.phase === "claiming" && slots.remaining === 0);
    this.syncOptions(Math.max(1, state.maxPerPlayer));
    const owned = state.cards.length;
    const full = state.maxPerPlayer > 0 && owned >= state.maxPerPlayer;
    const open = state.phase === "claiming" && state.maxPerPlayer > 0;
    this.button.disabled = this.busy || !open || slots.remaining === 0 || full;
    this.count.disabled = !open || full;
    setText(this.hint, this.hintText(open, slots.remaining, owned, state.maxPerPlayer));
  }

  private hintText(open: boolean, remaining: number, owned: number, max: number): string {
    const phase = this.tracker.current.phase;
    if (phase === "lobby") return "Claiming has not opened yet. Stay on this page.";
    if (phase === "running" || phase === "finished") return "Claiming is closed.";
    if (!open) return "Claiming is opening…";
    if (remaining === 0) return "Sold out.";
    if (owned >= max) return `You hold the maximum of ${plural(max, "card")}.`;
    return `Up to ${plural(max, "card")} each${owned > 0 ? ` — you have ${owned}` : ""}.`;
  }

  private syncOptions(max: number): void {
    if (this.count.options.length === max) return;
    const selected = Math.min(Number(this.count.value) || 1, max);
    this.count.replaceChildren(...Array.from({ length: max }, (_, i) => new Option(String(i + 1), String(i + 1))));
    this.count.value = String(selected);
  }

  private async claim(): Promise<void> {
    if (this.button.disabled) return;
    const count = Number(this.count.value);
    const requestId = this.unanswered?.count === count ? this.unanswered.requestId : uuidv4();
    this.busy = true;
    this.render();
    setText(this.result, "Claiming…");
    const answer = await this.tracker.client.claim(this.tracker.id, count, requestId);
    this.busy = false;
    this.unanswered = !answer.ok && answer.error.code === "OUTCOME_UNKNOWN" ? { count, requestId } : null;
    if (answer.ok) {
      this.tracker.addCards(answer.cards);
      setText(this.result, `You got ${plural(answer.cards.length, "card")}`);
    } else {
      setText(this.result, this.failureText(answer.error.code, errorText(answer.error)));
    }
    this.result.dataset.outcome = answer.ok ? "granted" : answer.error.code;
    this.render();
  }

  private failureText(code: string, fallback: string): string {
    switch (code) {
      case "SOLD_OUT":
        return "Sold out";
      case "LIMIT_REACHED":
        return "You already hold the maximum number of cards";
      case "CLAIMS_CLOSED":
        return "Claiming is closed";
      case "OUTCOME_UNKNOWN":
        return "No answer yet — press Claim cards again to learn the outcome (you never get cards twice)";
      case "UNAVAILABLE":
        return "The server cannot take claims right now — nothing was claimed, try again";
      default:
        return fallback;
    }
  }
}
