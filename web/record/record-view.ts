import { CHECK_TITLES, recordChecks, type CheckResult } from "../../shared/game/verify-record";
import type { PublicRecord } from "../../shared/protocol/record";
import { byTestId, h, setShown, setText } from "../common/dom";
import { ballName, money, patternLabel, plural, shortPlayer } from "../common/format";

/** Fills the record page with a parsed record and wires its "Verify in your browser" button. */
export function showRecord(record: PublicRecord): void {
  const { variant, draws, awards } = record;
  setText(byTestId("record-game"), record.gameId);
  setText(byTestId("record-variant"), `${variant}-ball bingo`);
  setText(byTestId("record-commitment"), record.commitment);
  setText(byTestId("record-seed"), record.seed);
  setText(byTestId("record-grace"), `${record.graceMs / 1000} seconds after the next ball`);

  const winningBalls = new Set(awards.map((award) => award.ballIndex));
  setText(byTestId("record-draw-count"), `${plural(draws.length, "ball")} drawn, in this order:`);
  byTestId("record-draws").replaceChildren(
    ...draws.map((ball, i) =>
      h("li", { className: winningBalls.has(i) ? "winning-ball" : "", attrs: { "data-testid": "record-draw", "data-ball": String(ball) } }, [
        h("span", { className: "draw-index", text: `#${i + 1}` }),
        document.createTextNode(ballName(ball, variant)),
      ]),
    ),
  );

  byTestId("record-prizes").replaceChildren(...record.patterns.map((pattern, i) => prizeItem(record, i, pattern)));

  const json = byTestId<HTMLAnchorElement>("record-json");
  json.href = `/api/games/${encodeURIComponent(record.gameId)}/record`;

  const button = byTestId<HTMLButtonElement>("verify-button");
  button.addEventListener("click", () => {
    button.disabled = true;
    setText(byTestId("verify-verdict"), "Checking…");
    // After a paint, so "Checking…" shows while a large record is worked through.
    setTimeout(() => {
      showChecks(recordChecks(record));
      button.disabled = false;
    }, 0);
  });
  setShown(byTestId("record-loading"), false);
  setShown(byTestId("record-body"), true);
}

function prizeItem(record: PublicRecord, i: number, pattern: PublicRecord["patterns"][number]): HTMLElement {
  const award = record.awards[i];
  const head = h("p", {}, [h("strong", { text: patternLabel(pattern) }), document.createTextNode(` · prize ${money(record.prizes[i] ?? 0)}`)]);
  if (!award) return h("li", { attrs: { "data-testid": "record-prize" } }, [head, h("p", { className: "muted", text: "Not won in this game." })]);
  const ball = record.draws[award.ballIndex];
  const on = ball === undefined ? `on draw ${award.ballIndex + 1}` : `on ball #${award.ballIndex + 1} (${ballName(ball, record.variant)})`;
  const split = award.remainder > 0 ? `, ${money(award.remainder)} left over` : "";
  return h("li", { attrs: { "data-testid": "record-prize" } }, [
    head,
    h("p", { text: `Won ${on} by ${plural(award.winners.length, "card")}: ${money(award.prizeEach)} each${split}.` }),
    h(
      "ul",
      {},
      award.winners.map((winner) =>
        h("li", {
          attrs: { "data-testid": "record-winner", "data-card-id": String(winner.cardId), "data-ball-index": String(award.ballIndex) },
          text: `Card ${winner.cardId} (player ${shortPlayer(winner.playerId)})`,
        }),
      ),
    ),
  ]);
}

function showChecks(results: readonly CheckResult[]): void {
  const ok = results.every((result) => result.ran && result.problems.length === 0);
  const verdict = byTestId("verify-verdict");
  verdict.dataset.ok = String(ok);
  setText(verdict, ok ? "✓ Verified: every check holds." : "✗ Not verified: at least one check fails.");
  byTestId("verify-checks").replaceChildren(
    ...results.map((result) => {
      const passed = result.ran && result.problems.length === 0;
      const status = passed ? "Passes" : result.ran ? "Fails" : "Not checked";
      const item = h("li", { attrs: { "data-testid": "verify-check", "data-check": result.check, "data-ok": String(passed) } }, [
        h("span", { className: "check-mark", text: `${passed ? "✓" : "✗"} ${status}:` }),
        document.createTextNode(CHECK_TITLES[result.check]),
      ]);
      if (!result.ran) item.append(h("ul", {}, [h("li", { text: "It cannot be checked until the checks above hold." })]));
      if (result.problems.length > 0) item.append(h("ul", {}, result.problems.map((problem) => h("li", { text: problem }))));
      return item;
    }),
  );
}
