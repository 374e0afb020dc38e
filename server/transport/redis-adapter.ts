import { createShardedAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";
import type { ServerOptions } from "socket.io";

export interface RedisAdapter {
  readonly adapter: ServerOptions["adapter"];
  close(): void;
}

/**
 * The sharded Redis adapter (SPUBLISH, Redis 7; works on Redis Cluster). Static
 * subscriptions: each node subscribes once, at start, not on every room join. Our
 * per-room traffic between nodes is tiny (slot states go through serverSideEmit, phase
 * changes are rare).
 */
export function createRedisAdapter(url: string, onError: (error: Error) => void): RedisAdapter {
  const pub = new Redis(url);
  const sub = pub.duplicate();
  pub.on("error", onError);
  sub.on("error", onError);
  catchDroppedPromises(sub, onError);
  return {
    adapter: createShardedAdapter(pub, sub, { subscriptionMode: "static" }),
    close() {
      pub.disconnect();
      sub.disconnect();
    },
  };
}

/**
 * The adapter calls `ssubscribe`/`sunsubscribe` without handling the promise; while Redis
 * is away (or at shutdown) they reject, and an unhandled rejection ends a Node process.
 */
function catchDroppedPromises(sub: Redis, onError: (error: Error) => void): void {
  for (const name of ["ssubscribe", "sunsubscribe"] as const) {
    const original = sub[name].bind(sub) as (...args: unknown[]) => Promise<unknown>;
    (sub as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const pending = original(...args);
      pending.catch(onError);
      return pending;
    };
  }
}
