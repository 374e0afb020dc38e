import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { loadConfig } from "../../server/config";
import type { RedisNodeAddress } from "../../server/store/redis/connection";
import type { TestRedis } from "./redis-server";
import { freePort, launchRedisServer } from "./redis-server";

const run = promisify(execFile);
const FORMED_WITHIN_MS = 30_000;

export interface TestRedisCluster {
  /** The masters' addresses: the value of REDIS_CLUSTER_NODES. */
  readonly nodes: readonly RedisNodeAddress[];
  /** `REDIS_CLUSTER_NODES` for a server process. */
  readonly env: string;
  /** The masters' servers, for tests that take one away. Empty when REDIS_CLUSTER_NODES was given. */
  readonly servers: readonly TestRedis[];
  stop(): Promise<void>;
}

/**
 * A private Redis Cluster of `masters` masters (no replicas) on free ports, formed with
 * `redis-cli --cluster create`, resolved once every node reports cluster_state:ok. Each
 * node's cluster bus gets its own free port too (`cluster-port`, not port + 10000, which
 * may be taken or out of range). When REDIS_CLUSTER_NODES is set, that cluster is used
 * instead and nothing is started, unless `own` (a test that stops masters) asks for one.
 */
export async function startRedisCluster(masters = 3, options: { own?: boolean; ports?: readonly number[] } = {}): Promise<TestRedisCluster> {
  const given = process.env.REDIS_CLUSTER_NODES;
  if (given && !options.own) {
    const nodes = loadConfig({ REDIS_CLUSTER_NODES: given }).redisClusterNodes!;
    return { nodes, env: given, servers: [], stop: async () => undefined };
  }
  const servers: TestRedis[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    // `ports`: the masters' ports, chosen before (a node configured with them before they exist).
    for (let i = 0; i < masters; i++) servers.push(await launchClusterNode(options.ports?.[i]));
    const addresses = servers.map((server) => `127.0.0.1:${server.port}`);
    await run("redis-cli", ["--cluster", "create", ...addresses, "--cluster-replicas", "0", "--cluster-yes"]);
    await Promise.all(servers.map((server) => clusterFormed(server.port)));
    return { nodes: servers.map((server) => ({ host: "127.0.0.1", port: server.port })), env: addresses.join(","), servers, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function launchClusterNode(given?: number): Promise<TestRedis> {
  for (let attempt = 0; ; attempt++) {
    const [port, busPort] = [given ?? (await freePort()), await freePort()];
    try {
      return await launchRedisServer(port, ["--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`, "--cluster-port", String(busPort)]);
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
}

/**
 * Resolves once the node says cluster_state:ok (every slot covered, the nodes agree).
 * Forming takes a few gossip rounds; there is no event to wait for, so this asks again
 * until it holds or the bound passes.
 */
async function clusterFormed(port: number): Promise<void> {
  const admin = new Redis(port, "127.0.0.1", { lazyConnect: true });
  const deadline = Date.now() + FORMED_WITHIN_MS;
  try {
    for (;;) {
      const info = await admin.cluster("INFO");
      if (/cluster_state:ok/.test(info)) return;
      if (Date.now() > deadline) throw new Error(`Redis Cluster node ${port} not ok after ${FORMED_WITHIN_MS} ms:\n${info}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    admin.disconnect();
  }
}

/** INFO commandstats summed over the given servers (a Redis URL, or a cluster master's address): calls per command. */
export async function commandCalls(servers: readonly (string | RedisNodeAddress)[]): Promise<Record<string, number>> {
  const calls: Record<string, number> = {};
  await Promise.all(
    servers.map(async (server) => {
      const admin = typeof server === "string" ? new Redis(server) : new Redis(server.port, server.host);
      try {
        const info = await admin.info("commandstats");
        for (const match of info.matchAll(/cmdstat_(\w+):calls=(\d+)/g)) calls[match[1]] = (calls[match[1]] ?? 0) + Number(match[2]);
      } finally {
        admin.disconnect();
      }
    }),
  );
  return calls;
}
