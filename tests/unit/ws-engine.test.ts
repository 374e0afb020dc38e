import { runningWsEngine } from "../../server/transport/ws-engine";

/** A `require` that knows only the given modules; any other id throws as Node does. */
function loaderOf(modules: Record<string, unknown>): (id: string) => unknown {
  return (id) => {
    if (id in modules) return modules[id];
    throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
  };
}

test("without bufferutil the node's sockets are written by plain ws", () => {
  expect(runningWsEngine(loaderOf({}), {})).toBe("ws");
});

test("ws with bufferutil installed is reported as ws-native, unless WS_NO_BUFFER_UTIL turns ws's use of it off", () => {
  const load = loaderOf({ bufferutil: {} });
  expect(runningWsEngine(load, {})).toBe("ws-native");
  expect(runningWsEngine(load, { WS_NO_BUFFER_UTIL: "1" })).toBe("ws");
});
