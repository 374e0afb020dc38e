import type { RedisNodeAddress } from "../../server/store/redis/connection";
import { startRedisCluster } from "./redis-cluster";
import { startRedis } from "./redis-server";

/** A private Redis deployment for server processes: how to point a node at it, and its servers. */
export interface RedisDeployment {
  /** Environment for a server process (REDIS_URL or REDIS_CLUSTER_NODES). */
  readonly env: Record<string, string>;
  /** Every server holding data, for INFO (commandCalls). */
  readonly servers: readonly (string | RedisNodeAddress)[];
  stop(): Promise<void>;
}

/**
 * The deployments the multi-process tests run on, for `describe.each`: one Redis, and a
 * Redis Cluster of 3 masters. The same server code runs on both; only the variable differs.
 */
export const REDIS_DEPLOYMENTS: [name: string, start: () => Promise<RedisDeployment>][] = [
  [
    "one Redis",
    async () => {
      const redis = await startRedis();
      return { env: { REDIS_URL: redis.url }, servers: [redis.url], stop: () => redis.stop() };
    },
  ],
  [
    "a 3-master Redis Cluster",
    async () => {
      const cluster = await startRedisCluster(3);
      return { env: { REDIS_CLUSTER_NODES: cluster.env }, servers: cluster.nodes, stop: () => cluster.stop() };
    },
  ],
];
