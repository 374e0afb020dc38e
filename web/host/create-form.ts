import { isCurrency, minorDigits } from "../../shared/protocol/currency";
import { DEFAULT_PATTERNS } from "../../shared/protocol/state";
import type { Variant } from "../../shared/protocol/state";
import type { BingoClient } from "../../shared/client/bingo-client";
import { byTestId, setText } from "../common/dom";
import { patternLabel } from "../common/format";
import type { ErrorLine } from "./error-line";

/** Default prize per pattern, as the host types amounts, one per pattern of the variant. */
const DEFAULT_PRIZES: { readonly [V in Variant]: string } = { 75: "10.00, 50.00", 90: "5.00, 10.00, 50.00" };

/**
 * The prizes field (amounts such as "10.00, 50" with up to the currency's minor digits:
 * two by default, none for JPY, three for BHD) as minor units, the protocol's unit, or a
 * message saying what is wrong with it. Read from the digits, never through floating
 * point: "0.29" is 29, not 28.999….
 */
export function parsePrizes(text: string, variant: Variant, currency?: string): readonly number[] | string {
  const patterns = DEFAULT_PATTERNS[variant];
  if (text.trim() === "") return patterns.map(() => 0);
  const digits = currency === undefined ? 2 : minorDigits(currency);
  const amount = digits === 0 ? /^(\d{1,11})()$/ : new RegExp(`^(\\d{1,${12 - digits}})(?:\\.(\\d{1,${digits}}))?$`);
  const parts = text.split(",").map((part) => amount.exec(part.trim()));
  const example = digits === 0 ? "1000" : `10.${"0".repeat(digits)}`;
  if (parts.some((part) => part === null)) return `Prizes: amounts such as ${example}, separated by commas.`;
  if (parts.length !== patterns.length) return `Prizes: give ${patterns.length} amounts, one per pattern (${patterns.map(patternLabel).join(", ")}).`;
  return parts.map((part) => Number(part![1]) * 10 ** digits + Number((part![2] ?? "").padEnd(digits, "0") || "0"));
}

/** The currency field as an ISO 4217 code (any case typed), or null when it names none. */
export function parseCurrency(text: string): string | null {
  const code = text.trim().toUpperCase();
  return isCurrency(code) ? code : null;
}

/** "Create a game": title, variant and prizes; resolves the new game's id to the caller. */
export function setupCreateForm(client: BingoClient, errors: ErrorLine, created: (gameId: string) => Promise<void>): { show(): void; hide(): void } {
  const section = byTestId("create");
  const form = section.querySelector("form") as HTMLFormElement;
  const title = byTestId<HTMLInputElement>("title", section);
  const variant = byTestId<HTMLSelectElement>("variant", section);
  const prizes = byTestId<HTMLInputElement>("prizes", section);
  const hint = section.querySelector("#prizes-hint") as HTMLElement;
  const currency = byTestId<HTMLInputElement>("currency", section);
  const button = byTestId<HTMLButtonElement>("create-button", section);
  const chosen = (): Variant => (variant.value === "90" ? 90 : 75);

  let previousDefault = DEFAULT_PRIZES[chosen()];
  variant.addEventListener("change", () => {
    // Follow the variant only while the host has not typed prizes of their own.
    if (prizes.value.trim() === previousDefault) prizes.value = DEFAULT_PRIZES[chosen()];
    previousDefault = DEFAULT_PRIZES[chosen()];
    setText(hint, `One per pattern: ${DEFAULT_PATTERNS[chosen()].map(patternLabel).join(", ")}`);
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = parseCurrency(currency.value);
    if (code === null) {
      errors.invalid("Currency: a three-letter ISO 4217 code such as EUR, USD or JPY.");
      currency.focus();
      return;
    }
    const amounts = parsePrizes(prizes.value, chosen(), code);
    if (typeof amounts === "string") {
      errors.invalid(amounts);
      prizes.focus();
      return;
    }
    const name = title.value.trim();
    button.disabled = true;
    void client
      .createGame({ ...(name ? { title: name } : {}), variant: chosen(), prizes: [...amounts], currency: code })
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
