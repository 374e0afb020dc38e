/** The ack's body when it is `ok: true`; otherwise the test fails with what came back. */
export function ok<T extends { ok: boolean }>(ack: T, what: string): Extract<T, { ok: true }> {
  if (!ack.ok) throw new Error(`${what}: ${JSON.stringify(ack)}`);
  return ack as Extract<T, { ok: true }>;
}
