import type { Ack } from "../../shared/protocol/events";
import type { ErrorLine } from "./error-line";

/**
 * Runs the console's requests: one at a time per button (its button stays disabled while
 * it is in flight), with every refusal shown on the error line. After an OUTCOME_UNKNOWN
 * (the store got the request but its answer came too late) the console reads the game
 * again, so it shows what was really done.
 */
export class Actions {
  private readonly busy = new Set<string>();

  constructor(
    private readonly errors: ErrorLine,
    private readonly changed: () => void,
    private readonly reread: () => Promise<unknown>,
  ) {}

  isBusy(name: string): boolean {
    return this.busy.has(name);
  }

  async run<T extends object>(name: string, request: () => Promise<Ack<T>>): Promise<Ack<T>> {
    this.busy.add(name);
    this.changed();
    try {
      const answer = this.errors.report(await request());
      if (!answer.ok && answer.error.code === "OUTCOME_UNKNOWN") await this.reread();
      return answer;
    } finally {
      this.busy.delete(name);
      this.changed();
    }
  }
}

/** A number from a number input, or null when it is empty or not a finite number. */
export function numberIn(input: HTMLInputElement): number | null {
  const value = Number(input.value);
  return input.value.trim() !== "" && Number.isFinite(value) ? value : null;
}

/** A whole number from a number input, or null when it is empty or not an integer. */
export function integerIn(input: HTMLInputElement): number | null {
  const value = Number(input.value);
  return input.value.trim() !== "" && Number.isInteger(value) ? value : null;
}
