/**
 * What writes this node's sockets, as logged and on /metrics: engine.io's own `ws`, reported
 * as `ws-native` when ws has its native masking helper (the `bufferutil` package) loaded,
 * which ws does by itself when the package is installed and WS_NO_BUFFER_UTIL is not set.
 *
 * No other engine is offered: none measured here both wins clearly and runs on every
 * supported Node line with the node's abuse limits proven on it (docs/performance.md,
 * "WebSocket engines").
 */
export type RunningWsEngine = "ws" | "ws-native";

/** `require`, injectable so the report can be tested without the native package. */
export type ModuleLoader = (id: string) => unknown;

function loads(id: string, load: ModuleLoader): boolean {
  try {
    load(id);
    return true;
  } catch {
    return false;
  }
}

/** ws as it runs in this process: ws reads the same variable and package when it loads. */
export function runningWsEngine(load: ModuleLoader = require, env: NodeJS.ProcessEnv = process.env): RunningWsEngine {
  return !env.WS_NO_BUFFER_UTIL && loads("bufferutil", load) ? "ws-native" : "ws";
}
