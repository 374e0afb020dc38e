import { JoinsInFlight } from "../../server/transport/joins-in-flight";
import type { BingoSocket } from "../../server/transport/socket-types";

/** A promise and its settle functions. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test("settled waits for every join the socket has in flight, failed ones included, then the socket's entry is gone", async () => {
  const joins = new JoinsInFlight();
  const socket = {} as BingoSocket;
  const other = {} as BingoSocket;
  expect(joins.settled(socket)).toBeUndefined();

  const first = deferred<string>();
  const second = deferred<string>();
  const tracked = joins.track(socket, first.promise);
  void joins.track(socket, second.promise).catch(() => undefined);
  expect(joins.settled(other)).toBeUndefined();

  let done = false;
  void joins.settled(socket)!.then(() => (done = true));
  second.reject(new Error("the join failed"));
  await flush();
  expect(done).toBe(false); // the first join is still in flight

  first.resolve("answered");
  await expect(tracked).resolves.toBe("answered"); // handed back unchanged
  await flush();
  expect(done).toBe(true);
  expect(joins.settled(socket)).toBeUndefined();
});

test("a join tracked after an earlier one settled is waited for on its own", async () => {
  const joins = new JoinsInFlight();
  const socket = {} as BingoSocket;
  const first = deferred<void>();
  void joins.track(socket, first.promise);
  first.resolve();
  await flush();
  const later = deferred<void>();
  void joins.track(socket, later.promise);
  let done = false;
  void joins.settled(socket)!.then(() => (done = true));
  await flush();
  expect(done).toBe(false);
  later.resolve();
  await flush();
  expect(done).toBe(true);
});
