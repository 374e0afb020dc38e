import type { GameStore } from "../../server/ports/game-store";
import { MemoryGameStore } from "../../server/store/memory/memory-game-store";
import type { TestRedisCluster } from "./redis-cluster";
import { startRedisCluster } from "./redis-cluster";
import type { TestRedis } from "./redis-server";
import { startRedis } from "./redis-server";
import { createRedisStore } from "./test-app";

export interface ContractStores {
  /** For `describe.each`: every store the contract holds for, made fresh per suite. */
  readonly all: [name: string, make: () => Promise<GameStore>][];
  /** A store on the file's private single Redis (for differential tests against memory). */
  redis(): Promise<GameStore>;
}

/**
 * The stores a contract suite runs against — memory, one private Redis, and a 3-master
 * Redis Cluster — with the servers started once for the calling test file (registers its
 * beforeAll/afterAll there).
 */
export function contractStores(): ContractStores {
  let redis: TestRedis;
  let cluster: TestRedisCluster;
  beforeAll(async () => {
    [redis, cluster] = await Promise.all([startRedis(), startRedisCluster()]);
  });
  afterAll(async () => {
    await Promise.all([redis.stop(), cluster.stop()]);
  });
  return {
    all: [
      ["memory", async () => new MemoryGameStore()],
      ["redis", async () => createRedisStore(redis.url)],
      ["redis cluster (3 masters)", async () => createRedisStore(cluster.nodes)],
    ],
    redis: () => createRedisStore(redis.url),
  };
}
