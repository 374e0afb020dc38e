import { DEFAULT_PATTERNS } from "../../shared/protocol/state";
import type { Variant } from "../../shared/protocol/state";
import type { BingoClient } from "../../shared/client/bingo-client";
import { byTestId, setText } from "../common/dom";
import type { ErrorLine } from "./error-line";

/** Default prize per pattern (cents), one per pattern of the variant. */
const DEFAULT_PRIZES: { readonly [V in Variant]: string } = { 75: "1000,5000", 90: "500,1000,5000" };

/** The prizes field as cents, or a message saying what is wrong with it. */
export function parsePrizes(text: string, variant: Variant): readonly number[] | string {
  const patterns = DEFAULT_PATTERNS[variant];
  if (text.trim() === "") return patterns.map(() => 0);
  const parts = text.split(",").map((part) => part.trim());
  if (parts.some((part) => !/^\d{1,13}$/.test(part))) return "Prizes: whole numbers of cents, separated by commas (e.g. 1000,5000).";
  if (parts.length !== patterns.length) return `Prizes: give ${patterns.length} amounts, one per pattern (${patterns.join(", ")}).`;
  return parts.map(Number);
}

/** "Create a game": title, variant and prizes; resolves the new game's id to the caller. */
export function setupCreateForm(client: BingoClient, errors: ErrorLine, created: (gameId: string) => Promise<void>): { show(): void; hide(): void } {
  const section = byTestId("create");
  const form = section.querySelector("form") as HTMLFormElement;
  const title = byTestId<HTMLInputElement>("title", section);
  const variant = byTestId<HTMLSelectElement>("variant", section);
  const prizes = byTestId<HTMLInputElement>("prizes", section);
  const hint = section.querySelector("#prizes-hint") as HTMLElement;
  const button = byTestId<HTMLButtonElement>("create-button", section);
  const chosen = (): Variant => (variant.value === "90" ? 90 : 75);

  let previousDefault = DEFAULT_PRIZES[chosen()];
  variant.addEventListener("change", () => {
    // Follow the variant only while the host has not typed prizes of their own.
    if (prizes.value.trim() === previousDefault) prizes.value = DEFAULT_PRIZES[chosen()];
    previousDefault = DEFAULT_PRIZES[chosen()];
    setText(hint, `One per pattern: ${DEFAULT_PATTERNS[chosen()].join(", ")}`);
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const amounts = parsePrizes(prizes.value, chosen());
    if (typeof amounts === "string") {
      errors.show({ code: "BAD_REQUEST", message: amounts });
      prizes.focus();
      return;
    }
    const name = title.value.trim();
    button.disabled = true;
    void client
      .createGame({ ...(name ? { title: name } : {}), variant: chosen(), prizes: [...amounts] })
      .then(async (answer) => {
        errors.report(answer);
        if (answer.ok) await created(answer.gameId);
      })
      .finally(() => {
        button.disabled = false;
      });
  });

  return {
    show() {
      section.hidden = false;
      title.focus();
    },
    hide() {
      section.hidden = true;
    },
  };
}
