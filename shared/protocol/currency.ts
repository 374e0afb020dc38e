/**
 * A game's currency: an ISO 4217 code the runtime's Intl knows (Node 20+ and every
 * current browser list them through Intl.supportedValuesOf). Prizes stay integers in the
 * currency's minor unit; how many minor digits a currency has (JPY 0, EUR 2, BHD 3) is
 * Intl's (CLDR's) answer, on the server and in the pages alike.
 */

/** The currency of a game created without one. */
export const DEFAULT_CURRENCY = "EUR";

let known: ReadonlySet<string> | null = null;

/** True for an upper-case ISO 4217 code the runtime can format. */
export function isCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  known ??= new Set(Intl.supportedValuesOf("currency"));
  return known.has(code);
}

/** Digits after the decimal point in `currency`'s amounts: 2 for EUR, 0 for JPY, 3 for BHD. */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}
