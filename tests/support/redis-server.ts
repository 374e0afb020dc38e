// The harness that starts a private redis-server is shared with the benchmark scripts.
export * from "../../scripts/lib/private-redis";
