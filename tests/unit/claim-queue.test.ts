import type { ClaimAck, ClaimBatch } from "../../server/claims/claim-queue";
import { ClaimQueue } from "../../server/claims/claim-queue";

/** A distinct ack function per claim, so batches can be checked by identity. */
const acks = new Map<string, ClaimAck>();
function ackOf(requestId: string): ClaimAck {
  let ack = acks.get(requestId);
  if (!ack) {
    ack = () => undefined;
    acks.set(requestId, ack);
  }
  return ack;
}

/** Pushes claim `i` as player `p<i>`, request `r<i>`, count i. */
function pushClaims(queue: ClaimQueue, ...ids: number[]): void {
  for (const i of ids) queue.push(`p${i}`, `r${i}`, i, ackOf(`r${i}`));
}

/** The args and acks a batch must hold for claims `ids`, in that order. */
function expected(...ids: number[]): { args: (string | number)[]; acks: ClaimAck[] } {
  return { args: ids.flatMap((i) => [`p${i}`, `r${i}`, i]), acks: ids.map((i) => ackOf(`r${i}`)) };
}

function expectBatch(batch: ClaimBatch, ...ids: number[]): void {
  const want = expected(...ids);
  expect(batch.args).toEqual(want.args);
  expect(batch.acks).toHaveLength(want.acks.length);
  batch.acks.forEach((ack, i) => expect(ack).toBe(want.acks[i]));
}

describe("ClaimQueue", () => {
  test("an empty queue has size 0 and takes an empty batch", () => {
    const queue = new ClaimQueue();
    expect(queue.size).toBe(0);
    expectBatch(queue.take(10));
  });

  test("claims come out in push order, flat as [playerId, requestId, count, ...]", () => {
    const queue = new ClaimQueue();
    queue.push("alice", "req-a", 2, ackOf("req-a"));
    queue.push("bob", "req-b", 1, ackOf("req-b"));
    queue.push("alice", "req-c", 3, ackOf("req-c"));
    expect(queue.size).toBe(3);
    const batch = queue.take(100);
    expect(batch.args).toEqual(["alice", "req-a", 2, "bob", "req-b", 1, "alice", "req-c", 3]);
    expect(batch.acks).toEqual([ackOf("req-a"), ackOf("req-b"), ackOf("req-c")]);
    expect(batch.acks[0]).toBe(ackOf("req-a"));
    expect(batch.acks[2]).toBe(ackOf("req-c"));
    expect(queue.size).toBe(0);
  });

  test("exactly max claims are all taken", () => {
    const queue = new ClaimQueue();
    pushClaims(queue, 1, 2, 3);
    expectBatch(queue.take(3), 1, 2, 3);
    expect(queue.size).toBe(0);
  });

  test("take(max) with more than max queued takes the oldest max and keeps the rest in order (nothing dropped)", () => {
    const queue = new ClaimQueue();
    pushClaims(queue, 1, 2, 3, 4, 5, 6, 7);
    const first = queue.take(3);
    expectBatch(first, 1, 2, 3);
    expect(queue.size).toBe(4);
    queue.recycle(first);

    pushClaims(queue, 8);
    const second = queue.take(3);
    expectBatch(second, 4, 5, 6);
    expect(queue.size).toBe(2);
    queue.recycle(second);

    const third = queue.take(3);
    expectBatch(third, 7, 8);
    expect(queue.size).toBe(0);
    queue.recycle(third);
    expectBatch(queue.take(3));
  });

  test("a large backlog drains across many takes with every claim exactly once, in order", () => {
    const queue = new ClaimQueue();
    const ids = Array.from({ length: 1000 }, (_, i) => i + 1);
    pushClaims(queue, ...ids);
    const seen: (string | number)[] = [];
    let takes = 0;
    while (queue.size > 0) {
      const batch = queue.take(64);
      expect(batch.acks.length).toBeLessThanOrEqual(64);
      expect(batch.args).toHaveLength(batch.acks.length * 3);
      seen.push(...batch.args);
      queue.recycle(batch);
      takes++;
    }
    expect(takes).toBe(Math.ceil(1000 / 64));
    expect(seen).toEqual(expected(...ids).args);
  });

  test("recycle empties the returned batch, and its arrays are reused for later claims", () => {
    const queue = new ClaimQueue();
    pushClaims(queue, 1, 2);
    const first = queue.take(10);
    const { args, acks: firstAcks } = first;
    queue.recycle(first);
    expect(first.args).toHaveLength(0);
    expect(first.acks).toHaveLength(0);

    pushClaims(queue, 3);
    const second = queue.take(10);
    expect(second.args).not.toBe(args);
    expectBatch(second, 3);
    queue.recycle(second);

    pushClaims(queue, 4, 5);
    const third = queue.take(10);
    expect(third.args).toBe(args);
    expect(third.acks).toBe(firstAcks);
    expectBatch(third, 4, 5);
  });

  test("claims pushed while a batch is out go to the next batch, not into the one out", () => {
    const queue = new ClaimQueue();
    pushClaims(queue, 1, 2);
    const out = queue.take(10);
    pushClaims(queue, 3, 4);
    expect(queue.size).toBe(2);
    expectBatch(out, 1, 2);

    queue.recycle(out);
    expect(queue.size).toBe(2);
    expectBatch(queue.take(10), 3, 4);
  });

  test("claims pushed while a partial batch is out are queued after the rest, and survive its recycle", () => {
    const queue = new ClaimQueue();
    pushClaims(queue, 1, 2, 3, 4);
    const out = queue.take(2);
    pushClaims(queue, 5);
    expectBatch(out, 1, 2);
    queue.recycle(out);
    expect(queue.size).toBe(3);
    expectBatch(queue.take(10), 3, 4, 5);
  });

  test("many take/recycle rounds with claims arriving while each batch is out lose and mix nothing", () => {
    const queue = new ClaimQueue();
    const taken: (string | number)[] = [];
    let next = 1;
    for (let round = 0; round < 20; round++) {
      const batch = queue.take(3);
      const before = batch.args.slice();
      const arriving = (round % 4) + 1;
      for (let k = 0; k < arriving; k++) pushClaims(queue, next++);
      expect(batch.args).toEqual(before);
      taken.push(...batch.args);
      queue.recycle(batch);
    }
    while (queue.size > 0) {
      const batch = queue.take(3);
      taken.push(...batch.args);
      queue.recycle(batch);
    }
    expect(taken).toEqual(expected(...Array.from({ length: next - 1 }, (_, i) => i + 1)).args);
  });
});

test("taking twice without recycling never puts new claims into a batch that is out", () => {
  const queue = new ClaimQueue();
  const ack = () => undefined;
  queue.push("p1", "r", 1, ack);
  const first = queue.take(10);
  queue.push("p2", "r", 1, ack);
  const second = queue.take(10);
  queue.push("p3", "r", 1, ack);
  expect(second.args).toEqual(["p2", "r", 1]);
  queue.recycle(first);
  queue.recycle(second);
  expect(queue.size).toBe(1);
  expect(queue.take(10).args).toEqual(["p3", "r", 1]);
});
