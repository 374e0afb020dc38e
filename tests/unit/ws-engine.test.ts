import { chooseWsEngine } from "../../server/transport/ws-engine";

/** A `require` that knows only the given modules; any other id throws as Node does. */
function loaderOf(modules: Record<string, unknown>): (id: string) => unknown {
  return (id) => {
    if (id in modules) return modules[id];
    throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
  };
}

class FakeEiowsServer {}

test("ws is engine.io's own: no wsEngine option, reported as ws", () => {
  expect(chooseWsEngine("ws", loaderOf({}), {})).toEqual({ wanted: "ws", running: "ws" });
});

test("ws with bufferutil installed is reported as ws-native, unless WS_NO_BUFFER_UTIL turns ws's use of it off", () => {
  const load = loaderOf({ bufferutil: {} });
  expect(chooseWsEngine("ws", load, {}).running).toBe("ws-native");
  expect(chooseWsEngine("ws", load, { WS_NO_BUFFER_UTIL: "1" }).running).toBe("ws");
});

test("eiows, when it loads, is passed as Socket.IO's wsEngine", () => {
  expect(chooseWsEngine("eiows", loaderOf({ eiows: { Server: FakeEiowsServer } }), {})).toEqual({ wanted: "eiows", running: "eiows", wsEngine: FakeEiowsServer });
});

test.each([
  ["not installed", loaderOf({}), /Cannot find module 'eiows'/],
  [
    "built for another Node line",
    (id: string) => {
      if (id === "eiows") throw new Error("The module eiows_115.node was compiled against a different Node.js version\nusing NODE_MODULE_VERSION 115.");
      throw new Error(`Cannot find module '${id}'`);
    },
    /compiled against a different Node\.js version$/,
  ],
  ["without a Server export", loaderOf({ eiows: {} }), /no Server export/],
])("eiows %s: ws runs instead, with the reason (first line only)", (_case, load, reason) => {
  const chosen = chooseWsEngine("eiows", load, {});
  expect(chosen.running).toBe("ws");
  expect(chosen.wsEngine).toBeUndefined();
  expect(chosen.fallback).toMatch(reason);
  expect(chosen.fallback).toContain(`Node ${process.versions.node}`);
});
