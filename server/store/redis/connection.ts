import { Redis } from "ioredis";

/**
 * The store's command connection. No offline queue and a command timeout: while Redis is
 * away a claim is answered UNAVAILABLE at once, never queued and applied minutes later.
 */
export async function connectCommands(url: string, commandTimeoutMs: number, onError: (error: Error) => void): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, commandTimeout: commandTimeoutMs, maxRetriesPerRequest: 1 });
  redis.on("error", onError);
  await redis.connect();
  return redis;
}
