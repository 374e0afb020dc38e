import type { Card, Variant } from "../../shared/protocol/state";
import { h } from "./dom";
import { BINGO_LETTERS, letterOf } from "./format";

/** What a card shows beyond its numbers. */
export interface CardMarks {
  readonly drawn: ReadonlySet<number>;
  /** The latest ball, highlighted where it lands. */
  readonly latest: number | null;
  /** Set when the card completes the pattern in play (e.g. "line"). */
  readonly completes: string | null;
  /** The numbers of the pattern this card won with (0: the free centre), lit up; null if it won nothing. */
  readonly winning?: ReadonlySet<number> | null;
}

/**
 * Keeps `container` showing exactly `cards`, in order: builds a card once, then only
 * updates its marks, so a draw touches a few classes instead of rebuilding the grids.
 */
export function syncCards(container: HTMLElement, cards: readonly Card[], variant: Variant, marksOf: (card: Card) => CardMarks): void {
  const existing = new Map<string, HTMLElement>();
  container.querySelectorAll<HTMLElement>('[data-testid="card"]').forEach((node) => existing.set(node.dataset.cardId ?? "", node));
  cards.forEach((card, position) => {
    let view = existing.get(String(card.id));
    if (!view) view = createCard(card, variant);
    existing.delete(String(card.id));
    if (container.children[position] !== view) container.insertBefore(view, container.children[position] ?? null);
    markCard(view, variant, marksOf(card));
  });
  for (const stale of existing.values()) stale.remove();
}

function createCard(card: Card, variant: Variant): HTMLElement {
  const title = variant === 75 ? `Card ${card.id}` : `Ticket ${card.id}`;
  const head =
    variant === 75
      ? [h("thead", {}, [h("tr", {}, BINGO_LETTERS.map((letter, column) => h("th", { text: letter, className: `col-${column}`, attrs: { scope: "col" } })))])]
      : [];
  const body = h(
    "tbody",
    {},
    card.grid.map((row) => h("tr", {}, row.map((number, column) => createCell(number, column, variant)))),
  );
  return h("article", { className: `card card-${variant}`, attrs: { "data-testid": "card", "data-card-id": String(card.id), "aria-label": title } }, [
    h("header", { className: "card-head" }, [h("span", { className: "card-title", text: title }), h("span", { className: "card-badge", attrs: { "aria-live": "polite" } })]),
    h("table", { className: "grid" }, [h("caption", { className: "visually-hidden", text: title }), ...head, body]),
  ]);
}

function createCell(number: number, column: number, variant: Variant): HTMLTableCellElement {
  const free = variant === 75 && number === 0;
  const blank = variant === 90 && number === 0;
  const cell = h("td", {
    className: `cell col-${column}${free ? " free" : ""}${blank ? " blank" : ""}`,
    text: free ? "★" : blank ? "" : String(number),
    attrs: { "data-testid": "cell", "data-number": String(number) },
  });
  return cell;
}

function markCard(view: HTMLElement, variant: Variant, marks: CardMarks): void {
  view.querySelectorAll<HTMLTableCellElement>('[data-testid="cell"]').forEach((cell) => {
    const number = Number(cell.dataset.number);
    const blank = number === 0 && variant === 90;
    const marked = !blank && (number === 0 || marks.drawn.has(number));
    cell.classList.toggle("marked", marked);
    cell.classList.toggle("latest", number !== 0 && number === marks.latest);
    cell.classList.toggle("winning", !blank && (marks.winning?.has(number) ?? false));
    const label = cellLabel(number, variant, marked);
    if (cell.getAttribute("aria-label") !== label) cell.setAttribute("aria-label", label);
  });
  view.classList.toggle("complete", marks.completes !== null);
  view.classList.toggle("won", !!marks.winning);
  const badge = view.querySelector<HTMLElement>(".card-badge");
  const text = marks.completes ? `${marks.completes}!` : "";
  if (badge && badge.textContent !== text) badge.textContent = text;
}

function cellLabel(number: number, variant: Variant, marked: boolean): string {
  if (number === 0) return variant === 75 ? "Free, marked" : "Blank";
  const letter = letterOf(number, variant);
  const name = letter ? `${letter} ${number}` : String(number);
  return marked ? `${name}, marked` : name;
}

