import type { GameState } from "./game-state";
import { h } from "./dom";
import { money, patternLabel } from "./format";

/** The prize ladder: each pattern with its pool, marked won / in play / to come. */
export function syncPatterns(list: HTMLElement, state: GameState): void {
  const rows = state.patterns.map((pattern, index) => {
    const status = index < state.awards.length ? "won" : index === state.pattern && state.phase === "running" ? "playing" : "next";
    return { pattern, prize: money(state.prizes[index] ?? 0, state.currency), status };
  });
  const signature = JSON.stringify(rows);
  if (list.dataset.signature === signature) return;
  list.dataset.signature = signature;
  list.replaceChildren(
    ...rows.map(({ pattern, prize, status }) =>
      h("li", { className: `pattern ${status}`, attrs: { "data-pattern": pattern, "data-status": status } }, [
        h("span", { className: "pattern-name", text: patternLabel(pattern) }),
        h("span", { className: "pattern-prize", text: prize }),
        h("span", { className: "pattern-status", text: status === "won" ? "Won" : status === "playing" ? "In play" : "" }),
      ]),
    ),
  );
}
