import type { Ack } from "../../shared/protocol/events";
import type { ErrorLine } from "./error-line";

/**
 * Runs the console's requests: one at a time per button (its button stays disabled while
 * it is in flight), with every refusal shown on the error line.
 */
export class Actions {
  private readonly busy = new Set<string>();

  constructor(
    private readonly errors: ErrorLine,
    private readonly changed: () => void,
  ) {}

  isBusy(name: string): boolean {
    return this.busy.has(name);
  }

  async run<T extends object>(name: string, request: () => Promise<Ack<T>>): Promise<Ack<T>> {
    this.busy.add(name);
    this.changed();
    try {
      return this.errors.report(await request());
    } finally {
      this.busy.delete(name);
      this.changed();
    }
  }
}

/** A whole number from a number input, or null when it is empty or not an integer. */
export function integerIn(input: HTMLInputElement): number | null {
  const value = Number(input.value);
  return input.value.trim() !== "" && Number.isInteger(value) ? value : null;
}
