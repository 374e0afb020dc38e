/**
 * Polls `condition` every `everyMs` until it holds, for when there is no event to await
 * (a Redis field written by another process, a timer on another node). Fails after
 * `timeoutMs` naming `what`.
 */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
