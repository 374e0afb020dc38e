import { createShardedAdapter } from "@socket.io/redis-adapter";
import { Cluster, Redis } from "ioredis";
import type { ServerOptions } from "socket.io";
import type { RedisClient, RedisTarget } from "./connection";
import { CLUSTER_OPTIONS, seeds, whenReady } from "./connection";

export interface RedisAdapter {
  readonly adapter: ServerOptions["adapter"];
  /** Resolves when both connections first reached Redis (the node works without it meanwhile, on its own). */
  readonly ready: Promise<void>;
  close(): void;
}

/**
 * The sharded Redis adapter (SPUBLISH, Redis 7; works on Redis Cluster). Static
 * subscriptions: each node subscribes once, at start, not on every room join. Our
 * per-room traffic between nodes is tiny (slot states go through serverSideEmit, phase
 * changes are rare).
 *
 * On a Cluster, SSUBSCRIBE must reach the master that owns the channel's slot: the
 * subscriber is an ioredis Cluster with `shardedSubscribers` (one subscriber connection
 * per master, re-subscribed when slots move).
 *
 * Returned at once, whether Redis is up or not: both clients retry until it comes. The
 * adapter's SSUBSCRIBEs wait for the subscriber's "ready" (deferSubscriptions), so none is
 * routed before ioredis knows the Cluster's slots, and none is lost in an offline queue
 * that gives up after some retries.
 */
export function createRedisAdapter(target: RedisTarget, onError: (error: Error) => void): RedisAdapter {
  let pub: RedisClient;
  let sub: RedisClient;
  if (typeof target === "string") {
    pub = new Redis(target);
    sub = pub.duplicate();
  } else {
    pub = new Cluster(seeds(target), CLUSTER_OPTIONS);
    sub = new Cluster(seeds(target), { ...CLUSTER_OPTIONS, shardedSubscribers: true, lazyConnect: true });
  }
  pub.on("error", onError);
  sub.on("error", onError);
  deferSubscriptions(sub, onError);
  if (sub instanceof Cluster) sub.connect().catch(() => undefined);
  return {
    adapter: createShardedAdapter(pub, sub, { subscriptionMode: "static" }),
    ready: Promise.all([whenReady(pub), whenReady(sub)]).then(() => undefined),
    close() {
      pub.disconnect();
      sub.disconnect();
    },
  };
}

/**
 * The adapter calls `ssubscribe`/`sunsubscribe` without handling the promise; while Redis
 * is away (or at shutdown) they reject, and an unhandled rejection ends a Node process.
 * Before the subscriber's first "ready" they wait for it (after that, ioredis re-subscribes
 * by itself on reconnect).
 */
function deferSubscriptions(sub: RedisClient, onError: (error: Error) => void): void {
  for (const name of ["ssubscribe", "sunsubscribe"] as const) {
    const original = sub[name].bind(sub) as (...args: unknown[]) => Promise<unknown>;
    (sub as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const pending = sub.status === "ready" ? original(...args) : whenReady(sub).then(() => original(...args));
      pending.catch(onError);
      return pending;
    };
  }
}
