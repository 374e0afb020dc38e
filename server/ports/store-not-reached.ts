/**
 * Thrown by a store write that was never sent: the store's client was not connected, so
 * the write was held back before it existed. Nothing was done, and the caller may say so
 * (UNAVAILABLE). Any other failure of a write that was sent (a timeout above all) leaves
 * its outcome unknown (OUTCOME_UNKNOWN): the store may still run it.
 */
export class StoreNotReachedError extends Error {
  override readonly name = "StoreNotReachedError";

  constructor() {
    super("the store is not connected; nothing was sent");
  }
}
