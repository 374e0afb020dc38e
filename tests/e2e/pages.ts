import type { E2ePage } from "../support/browser";
import { byTestId, setValue, texts, tid, waitConnection, waitCount, waitText, waitUntil } from "../support/browser";

/**
 * What the end-to-end tests read from and do on the player and host pages, through the
 * data-testid contract only.
 */

export interface ShownCard {
  readonly id: number;
  /** The card's numbers (data-number of its cells), free centre / blanks left out. */
  readonly numbers: number[];
  /** The numbers whose cell has the class `marked`. */
  readonly marked: number[];
  /** The numbers whose cell has the class `winning` (0: the free centre), ascending. */
  readonly winning: number[];
  readonly cells: number;
  /** The card as the page lays it out: rows of data-number (0: free centre or blank). */
  readonly grid: number[][];
}

/** The first integer in a text, or NaN. */
export function firstInt(text: string): number {
  const match = /\d+/.exec(text);
  return match ? Number(match[0]) : Number.NaN;
}

export async function connected(target: E2ePage): Promise<void> {
  await waitConnection(target, "connected");
  await waitText(target, "connection", "Connected");
}

/** The cards a player page shows, in page order. */
export async function shownCards(target: E2ePage): Promise<ShownCard[]> {
  return byTestId(target.page, "cards", "card").evaluateAll((cards) =>
    cards.map((card) => {
      const cells = Array.from(card.querySelectorAll<HTMLElement>('[data-testid="cell"]'));
      const numbered = cells
        .map((cell) => ({ n: (cell.dataset.number ?? "").trim(), marked: cell.classList.contains("marked") }))
        .filter((cell) => /^\d+$/.test(cell.n) && Number(cell.n) > 0);
      return {
        id: Number((card as HTMLElement).dataset.cardId),
        numbers: numbered.map((cell) => Number(cell.n)),
        marked: numbered.filter((cell) => cell.marked).map((cell) => Number(cell.n)),
        winning: cells
          .filter((cell) => cell.classList.contains("winning"))
          .map((cell) => Number(cell.dataset.number))
          .sort((a, b) => a - b),
        cells: cells.length,
        grid: Array.from(card.querySelectorAll("tbody tr")).map((row) =>
          Array.from(row.querySelectorAll<HTMLElement>('[data-testid="cell"]')).map((cell) => Number(cell.dataset.number)),
        ),
      };
    }),
  );
}

export async function shownCardIds(target: E2ePage): Promise<number[]> {
  return (await shownCards(target)).map((card) => card.id).sort((a, b) => a - b);
}

/** The balls a page shows (the number in each `ball` item), in page order. */
export async function shownBalls(target: E2ePage): Promise<number[]> {
  return (await texts(target.page, "balls", "ball")).map(firstInt);
}

/**
 * Records every text `slots-left` takes from now on into `window.__slotsSeen` (consecutive
 * repeats once). Watches the whole body, so a re-rendered element is still followed.
 */
export async function recordSlotsLeft(target: E2ePage): Promise<void> {
  await target.page.evaluate((sel) => {
    const seen: string[] = [];
    (window as unknown as { __slotsSeen: string[] }).__slotsSeen = seen;
    const record = (): void => {
      const el = document.querySelector(sel);
      if (!el) return;
      const text = (el.textContent ?? "").trim();
      if (seen[seen.length - 1] !== text) seen.push(text);
    };
    record();
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  }, tid("slots-left"));
}

export function slotsSeen(target: E2ePage): Promise<string[]> {
  return target.page.evaluate(() => (window as unknown as { __slotsSeen?: string[] }).__slotsSeen ?? []);
}

/** Picks `count` in `claim-count` and presses `claim-button`; resolves once the page shows `expectedCards` cards. */
export async function claimCards(target: E2ePage, count: number, expectedCards: number): Promise<void> {
  await setValue(target.page, "claim-count", String(count));
  await byTestId(target.page, "claim-button").click();
  await waitCount(target, ["cards", "card"], expectedCards);
  await waitUntil(
    target,
    `${tid("claim-result")} to show the outcome`,
    (sel) => (document.querySelector(sel)?.textContent ?? "").trim().length > 0,
    tid("claim-result"),
  );
}

/** Waits until the page's `ball` items number exactly `count`. */
export function waitBallCount(target: E2ePage, count: number): Promise<void> {
  return waitUntil(
    target,
    `exactly ${count} ${tid("balls", "ball")} items`,
    ([sel, n]) => document.querySelectorAll(sel).length === n,
    [tid("balls", "ball"), count] as const,
  );
}

export function count(target: E2ePage, ...ids: string[]): Promise<number> {
  return byTestId(target.page, ...ids).count();
}

export const SEED = /[0-9a-f]{64}/;

/** Waits until the element shows a 64-hex-digit seed and returns it. */
export async function waitSeed(target: E2ePage, ...ids: string[]): Promise<string> {
  await waitUntil(
    target,
    `${tid(...ids)} to show a 64-hex seed`,
    (sel) => /[0-9a-f]{64}/.test(document.querySelector(sel)?.textContent ?? ""),
    tid(...ids),
  );
  return SEED.exec((await byTestId(target.page, ...ids).first().textContent()) ?? "")![0];
}
