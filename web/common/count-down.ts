import { setText } from "./dom";

/**
 * How long the shown count takes to reach a new, lower value. Big rooms hear the count
 * about once a second (the server's broadcast budget), so the figure rolls down over most
 * of that second instead of jumping; small rooms, five times a second, just roll faster.
 */
export const COUNT_DOWN_MS = 600;

/** The integer to show `elapsedMs` into rolling from `from` down to `to`: eased out, never below `to`. */
export function countDownValue(from: number, to: number, elapsedMs: number, durationMs: number = COUNT_DOWN_MS): number {
  if (elapsedMs >= durationMs || from <= to) return to;
  const t = Math.max(0, elapsedMs) / durationMs;
  const eased = 1 - (1 - t) * (1 - t);
  return Math.max(to, Math.round(from - (from - to) * eased));
}

/**
 * A big counter that rolls down to each lower value and jumps to a higher one (a new claim
 * window), or to a dash when there is no count. Screen readers get only the values the
 * server sent, in a hidden twin, never the rolling in between; with reduced motion it jumps.
 */
export class CountDown {
  private shown: number | null = null;
  /** undefined until the first set: the markup's placeholder is replaced even by a dash. */
  private target: number | null | undefined = undefined;
  private from = 0;
  private startedAt = 0;
  private frame: number | null = null;
  private readonly spoken: HTMLElement;

  constructor(private readonly node: HTMLElement) {
    node.setAttribute("aria-hidden", "true");
    this.spoken = document.createElement("span");
    this.spoken.className = "visually-hidden";
    node.after(this.spoken);
  }

  /** Shows `value` (null: no count yet, a dash). */
  set(value: number | null): void {
    if (value === this.target) return;
    this.target = value;
    setText(this.spoken, value === null ? "" : String(value));
    // A hidden page runs no animation frames: it jumps, and rolls again once seen.
    const still = document.visibilityState !== "visible" || (typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches);
    if (value === null || this.shown === null || value > this.shown || still) return this.jump(value);
    this.from = this.shown;
    this.startedAt = performance.now();
    if (this.frame === null) this.frame = requestAnimationFrame(this.step);
  }

  private jump(value: number | null): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.shown = value;
    setText(this.node, value === null ? "–" : String(value));
  }

  private readonly step = (now: number): void => {
    this.frame = null;
    if (this.target === null || this.target === undefined) return;
    this.shown = countDownValue(this.from, this.target, now - this.startedAt);
    setText(this.node, String(this.shown));
    if (this.shown !== this.target) this.frame = requestAnimationFrame(this.step);
  };
}
