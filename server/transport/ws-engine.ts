import type { ServerOptions } from "socket.io";

/**
 * WebSocket implementations Socket.IO's engine can write through (WS_ENGINE). Each is a
 * drop-in replacement of ws's `Server` passed as engine.io's `wsEngine`: the node's HTTP
 * server, and so /healthz, /readyz, /metrics, the pages and the drain, stay as they are.
 *
 * - `ws`: engine.io's own (the default, and the fallback of every other choice).
 * - `eiows`: a C++ WebSocket server on Node's own sockets. Not N-API: it is built by
 *   node-gyp at install against the full Node source of the running version, so one build
 *   loads on one Node line only (docs/performance.md, "WebSocket engines").
 */
export const WS_ENGINES = ["ws", "eiows"] as const;
export type WsEngineName = (typeof WS_ENGINES)[number];

/**
 * What writes the node's sockets, as logged and on /metrics: `ws-native` is ws with its
 * native masking helper (the `bufferutil` package) loaded, which ws does by itself when the
 * package is installed and WS_NO_BUFFER_UTIL is not set.
 */
export type RunningWsEngine = "ws" | "ws-native" | "eiows";

export interface ChosenWsEngine {
  readonly wanted: WsEngineName;
  readonly running: RunningWsEngine;
  /** Socket.IO's `wsEngine` option; absent: engine.io's own ws. */
  readonly wsEngine?: ServerOptions["wsEngine"];
  /** Why the wanted engine could not be loaded, when ws runs in its place. */
  readonly fallback?: string;
}

/** `require`, injectable so the choice can be tested without the native packages. */
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
function wsAsLoaded(load: ModuleLoader, env: NodeJS.ProcessEnv): RunningWsEngine {
  return !env.WS_NO_BUFFER_UTIL && loads("bufferutil", load) ? "ws-native" : "ws";
}

/**
 * Loads the wanted engine, or says why not and falls back to ws: a native engine missing
 * on this machine or built for another Node line must not keep a node from serving.
 */
export function chooseWsEngine(wanted: WsEngineName, load: ModuleLoader = require, env: NodeJS.ProcessEnv = process.env): ChosenWsEngine {
  if (wanted === "eiows") {
    try {
      const { Server } = load("eiows") as { Server?: unknown };
      if (typeof Server !== "function") throw new Error("the eiows package has no Server export");
      return { wanted, running: "eiows", wsEngine: Server as ServerOptions["wsEngine"] };
    } catch (error) {
      const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
      return { wanted, running: wsAsLoaded(load, env), fallback: `eiows could not be loaded on Node ${process.versions.node}: ${why}` };
    }
  }
  return { wanted, running: wsAsLoaded(load, env) };
}
