/*
 * The one place that reads Redis error replies. Redis answers an error as "-CODE text":
 * the first word is the code Redis defines (ERR, BUSYGROUP, NOSCRIPT, ...), and ioredis
 * throws it as a ReplyError whose message is that reply. Nothing else in the store looks
 * at an error's text.
 */

/** An error Redis itself answered (as opposed to a lost connection or a timeout of ours). */
export function isReplyError(error: unknown): error is Error {
  return error instanceof Error && error.name === "ReplyError";
}

/** The Redis error code of a reply error ("ERR", "BUSYGROUP", ...), or undefined for any other error. */
export function replyErrorCode(error: unknown): string | undefined {
  if (!isReplyError(error)) return undefined;
  const space = error.message.indexOf(" ");
  return space < 0 ? error.message : error.message.slice(0, space);
}

/**
 * Redis answered that a function of the library is not loaded (FCALL on a master that
 * restarted without persistence, or joined a Cluster later). Redis gives this case no code
 * of its own: it is "ERR Function not found" (functions.c), so the generic code ERR plus
 * that text is the only thing that identifies it; the check stays here.
 */
export function isMissingFunction(error: unknown): boolean {
  return replyErrorCode(error) === "ERR" && /^ERR Function not found/i.test((error as Error).message);
}
