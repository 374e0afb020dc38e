import calculateSlot from "cluster-key-slot";
import type { Command } from "ioredis";
import { Cluster, Redis } from "ioredis";
import { armDeadline } from "./command-deadline";

/** One seed node of a Redis Cluster. */
export interface RedisNodeAddress {
  readonly host: string;
  readonly port: number;
}

/** Where the state lives: a `redis://` URL (one Redis), or the seed nodes of a Redis Cluster. */
export type RedisTarget = string | readonly RedisNodeAddress[];

/** A connection to one Redis or to a Redis Cluster; the stores use only what both offer. */
export type RedisClient = Redis | Cluster;

/**
 * Options every Cluster client of ours takes. ioredis 6 documents a 5 s slot refresh but
 * does not set one: without it the slot table changes only on a redirection or a
 * reconnect. A table read while the cluster was still forming (or while slots moved) keeps
 * owners the client has dropped from its pool, and stays so: the library loader then saw
 * "a master is unreachable" for ever and the node never became ready.
 */
export const CLUSTER_OPTIONS = { slotsRefreshInterval: 5_000 } as const;

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

/**
 * The store's command connection. No offline queue and a command deadline: while Redis is
 * away a claim is answered UNAVAILABLE at once, never queued and applied minutes later
 * (`readyToSend` tells beforehand). A command that was sent but timed out may still run:
 * the stores answer it OUTCOME_UNKNOWN, never UNAVAILABLE.
 * On a Cluster the same holds per node (the retry limit sits in `redisOptions`; every
 * command gets its deadline before it is routed), and the client waits until CLUSTER INFO
 * says the cluster is ok before it resolves.
 */
export async function connectCommands(target: RedisTarget, commandTimeoutMs: number, onError: (error: Error) => void): Promise<RedisClient> {
  const redis = commandClient(target, commandTimeoutMs, onError);
  await redis.connect();
  return redis;
}

/**
 * The same connection, returned at once: while Redis (or every Cluster seed) is down the
 * client keeps retrying with ioredis's backoff, and every command fails at once meanwhile
 * (no offline queue: nothing is sent, so nothing is done). It emits "ready" when it gets there.
 */
export function openCommands(target: RedisTarget, commandTimeoutMs: number, onError: (error: Error) => void): RedisClient {
  const redis = commandClient(target, commandTimeoutMs, onError);
  // A first attempt that fails is retried by the client itself (retryStrategy / clusterRetryStrategy).
  redis.connect().catch(() => undefined);
  return redis;
}

function commandClient(target: RedisTarget, commandTimeoutMs: number, onError: (error: Error) => void): RedisClient {
  // The timeout is ours (armDeadline), not ioredis's commandTimeout: see command-deadline.ts.
  const redis =
    typeof target === "string"
      ? new CommandConnection(target, commandTimeoutMs)
      : new CommandCluster(seeds(target), commandTimeoutMs);
  redis.on("error", onError);
  return redis;
}

/** A Redis connection whose every command has a deadline (armDeadline). */
class CommandConnection extends Redis {
  constructor(
    url: string,
    private readonly deadlineMs: number,
  ) {
    super(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  }

  override sendCommand(command: Command, stream?: Parameters<Redis["sendCommand"]>[1]): unknown {
    armDeadline(command, this.deadlineMs);
    return super.sendCommand(command, stream);
  }
}

/** The same for a Cluster: every command goes through here before it is routed to a node. */
class CommandCluster extends Cluster {
  constructor(
    startupNodes: ConstructorParameters<typeof Cluster>[0],
    private readonly deadlineMs: number,
  ) {
    super(startupNodes, { ...CLUSTER_OPTIONS, lazyConnect: true, enableOfflineQueue: false, redisOptions: { maxRetriesPerRequest: 1 } });
  }

  override sendCommand(command: Command, stream?: Parameters<Cluster["sendCommand"]>[1], node?: Parameters<Cluster["sendCommand"]>[2]): unknown {
    armDeadline(command, this.deadlineMs);
    return super.sendCommand(command, stream, node);
  }
}

/**
 * Whether a command issued now on `client` would be written to Redis at once. When it is
 * false the stores do not issue the command at all, which is what makes their UNAVAILABLE
 * true: nothing was sent, so nothing can be done. It mirrors ioredis's own refusal without
 * an offline queue (connection not ready or its socket not writable), decided from state
 * before the command exists, never from the text of the error ioredis would raise.
 *
 * On a Cluster, `key` names the slot: the command is held back when the cluster is not
 * ready, the slot has no known owner, or the client has no connection to the owner that is
 * ready or yet to be opened ("wait": ioredis opens it and then sends). Without that
 * connection ioredis would send the command to any node and follow redirections, and a
 * stale slot table could make that node run it: holding it back is what makes it nothing.
 */
export function readyToSend(client: RedisClient, key: string): boolean {
  if (!isCluster(client)) return client.status === "ready" && client.stream?.writable === true;
  if (client.status !== "ready") return false;
  const owner = client.slots[calculateSlot(key)]?.[0];
  if (!owner) return false;
  const node = client.nodes("master").find(({ options }) => `${options.host}:${options.port}` === owner);
  return node !== undefined && (node.status === "ready" || node.status === "wait");
}

/** Resolves at the client's next "ready" (at once if it is ready now). */
export function whenReady(client: RedisClient): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve) => client.once("ready", () => resolve()));
}

export function seeds(nodes: readonly RedisNodeAddress[]): { host: string; port: number }[] {
  return nodes.map(({ host, port }) => ({ host, port }));
}

/**
 * The connections to run a per-server command on (FUNCTION LOAD, PING): the one Redis, or
 * every master that currently owns slots. On a Cluster, a slot owner the client has no
 * connection to (a master that just went away) is returned as `null`.
 */
export function mastersOf(client: RedisClient): (Redis | null)[] {
  if (!isCluster(client)) return [client];
  const byKey = new Map(client.nodes("master").map((node) => [`${node.options.host}:${node.options.port}`, node]));
  const owners = new Set<string>();
  for (const nodes of client.slots) if (nodes?.[0]) owners.add(nodes[0]);
  return [...owners].map((key) => byKey.get(key) ?? null);
}

/** True when every server that owns part of the data answers PING. */
export async function answers(client: RedisClient): Promise<boolean> {
  const masters = mastersOf(client);
  if (masters.length === 0) return false;
  try {
    const replies = await Promise.all(masters.map((node) => (node ? node.ping() : null)));
    return replies.every((reply) => reply === "PONG");
  } catch {
    return false;
  }
}
