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
