import type { Variant } from "../../shared/protocol/state";
import { h, setText } from "./dom";
import { columnOf, letterOf } from "./format";

/**
 * Keeps a list showing every drawn ball in draw order as `ball` items. New balls are
 * appended; anything else (a re-join with a different history) rebuilds the list.
 */
export function syncBalls(list: HTMLElement, draws: readonly number[], variant: Variant): void {
  const shown = list.children;
  let keep = Math.min(shown.length, draws.length);
  for (let i = 0; i < keep; i++) {
    if ((shown[i] as HTMLElement).dataset.ball !== String(draws[i])) {
      keep = i;
      break;
    }
  }
  while (shown.length > keep) shown[shown.length - 1].remove();
  for (let i = keep; i < draws.length; i++) list.append(ballItem(draws[i], i, variant));
  list.dataset.count = String(draws.length);
  // Where the list scrolls sideways (phones), keep the newest ball in view.
  if (list.scrollWidth > list.clientWidth) list.scrollLeft = list.scrollWidth;
}

function ballItem(ball: number, index: number, variant: Variant): HTMLLIElement {
  const letter = letterOf(ball, variant);
  return h("li", {
    className: `ball col-${columnOf(ball, variant)}`,
    text: String(ball),
    attrs: { "data-testid": "ball", "data-ball": String(ball), "data-index": String(index), ...(letter ? { "data-letter": letter } : {}), title: `Ball ${index + 1}` },
  });
}

/**
 * The latest ball: its text is just the number (the letter is drawn from `data-letter` by
 * CSS), so it reads the same in 75- and 90-ball games.
 */
export function showLastBall(node: HTMLElement, draws: readonly number[], variant: Variant, caption?: HTMLElement): void {
  const last = draws.length > 0 ? draws[draws.length - 1] : null;
  const changed = node.dataset.index !== String(draws.length);
  node.dataset.index = String(draws.length);
  setText(node, last === null ? "" : String(last));
  node.dataset.ball = last === null ? "" : String(last);
  node.className = `last-ball${last === null ? "" : ` col-${columnOf(last, variant)}`}`;
  if (changed && last !== null) {
    // Restart the "pop" animation for every new ball, not only the first.
    void node.offsetWidth;
    node.classList.add("fresh");
  }
  const letter = last === null ? "" : letterOf(last, variant);
  if (letter) node.dataset.letter = letter;
  else delete node.dataset.letter;
  if (caption) setText(caption, last === null ? "No balls yet" : `Ball ${draws.length} of ${variant}`);
}
