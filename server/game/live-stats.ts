import type { StatsMessage } from "../../shared/protocol";

/** One node's figures for one game over the last second. */
export interface NodeStats {
  readonly connected: number;
  readonly claims: number;
  readonly largestBatch: number;
}

const STALE_MS = 3000;

/**
 * The live figures a host console shows. Every node reports its own figures per game each
 * second to the others (through the adapter); each node sums the latest report of every
 * node and sends the total to the hosts connected to it.
 */
export class LiveStats {
  private readonly reports = new Map<string, Map<string, NodeStats & { at: number }>>();
  private readonly counting = new Map<string, { claims: number; largestBatch: number }>();

  /** A tick batch of `claims` claims resolved on this node. */
  count(gameId: string, claims: number): void {
    const count = this.counting.get(gameId) ?? { claims: 0, largestBatch: 0 };
    count.claims += claims;
    count.largestBatch = Math.max(count.largestBatch, claims);
    this.counting.set(gameId, count);
  }

  /** This node's figures for the last second (and starts the next second). */
  takeOwn(gameId: string, connected: number): NodeStats {
    const count = this.counting.get(gameId) ?? { claims: 0, largestBatch: 0 };
    this.counting.delete(gameId);
    return { connected, ...count };
  }

  /** Drops a game's figures (no local room any more: nothing here reads them). */
  forget(gameId: string): void {
    this.counting.delete(gameId);
    this.reports.delete(gameId);
  }

  /** Games with figures kept. */
  games(): Set<string> {
    return new Set([...this.counting.keys(), ...this.reports.keys()]);
  }

  record(gameId: string, nodeId: string, stats: NodeStats, now: number): void {
    let byNode = this.reports.get(gameId);
    if (!byNode) this.reports.set(gameId, (byNode = new Map()));
    byNode.set(nodeId, { ...stats, at: now });
  }

  /** The sum over nodes that reported recently; null when none did. */
  total(gameId: string, now: number): StatsMessage | null {
    const byNode = this.reports.get(gameId);
    if (!byNode) return null;
    let connected = 0;
    let claimsPerSecond = 0;
    let largestBatch = 0;
    for (const [nodeId, stats] of byNode) {
      if (now - stats.at > STALE_MS) {
        byNode.delete(nodeId);
        continue;
      }
      connected += stats.connected;
      claimsPerSecond += stats.claims;
      largestBatch = Math.max(largestBatch, stats.largestBatch);
    }
    if (byNode.size === 0) {
      this.reports.delete(gameId);
      return null;
    }
    return { gameId, connected, claimsPerSecond, largestBatch };
  }
}
