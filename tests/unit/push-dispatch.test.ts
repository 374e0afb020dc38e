import pino from "pino";
import type { PushMessage } from "../../server/domain/push-messages";
import type { PushOutcome, PushSender } from "../../server/ports/push-sender";
import { PushDispatcher } from "../../server/push/push-dispatcher";
import { PushEvents } from "../../server/push/push-events";
import { systemClock } from "../../server/ports/clock";
import { MemoryPlayerDirectory, MemoryPushGate, MemoryPushOutbox } from "../../server/store/memory/memory-push";
import { ManualClock, settle } from "../support/manual-clock";

const log = pino({ level: "silent" });

/** A sender that records each batch and answers from a script (ok by default). */
class ScriptedSender implements PushSender {
  readonly batches: string[][] = [];
  answer: (message: PushMessage, attempt: number) => PushOutcome = () => ({ ok: true });
  private readonly attempts = new Map<string, number>();

  async send(messages: readonly PushMessage[]): Promise<PushOutcome[]> {
    this.batches.push(messages.map((m) => m.token));
    return messages.map((m) => {
      const attempt = (this.attempts.get(m.token) ?? 0) + 1;
      this.attempts.set(m.token, attempt);
      return this.answer(m, attempt);
    });
  }
}

async function setup(players: number) {
  const directory = new MemoryPlayerDirectory();
  const outbox = new MemoryPushOutbox();
  const sender = new ScriptedSender();
  for (let p = 0; p < players; p++) {
    await directory.joined("G", `p${p}`);
    await directory.registerToken(`p${p}`, `t${p}`, "android");
    await directory.setAppState(`p${p}`, "background");
  }
  const dispatcher = new PushDispatcher(outbox, directory, new MemoryPushGate(), sender, systemClock, log, {
    nodeId: "n1",
    graceMs: 60_000,
    claimTimeoutMs: 60_000,
    retryDelaysMs: [1, 1],
  });
  return { directory, outbox, sender, dispatcher };
}

/** Runs the dispatcher until the sender has seen `batches` batches. */
async function dispatchUntil(d: Awaited<ReturnType<typeof setup>>, batches: number): Promise<void> {
  d.dispatcher.start();
  while (d.sender.batches.length < batches) await settle();
  await d.dispatcher.stop();
}

test("an event to 1,200 devices goes out in sendEach batches of at most 500, each device once", async () => {
  const d = await setup(1200);
  await d.outbox.append({ kind: "round-start", gameId: "G", data: {}, at: Date.now() });
  await dispatchUntil(d, 3);
  expect(d.sender.batches.map((b) => b.length)).toEqual([500, 500, 200]);
  expect(new Set(d.sender.batches.flat()).size).toBe(1200);
});

test("transient failures are retried (only the failed messages); dead tokens are dropped; then the entry is acknowledged", async () => {
  const d = await setup(3);
  d.sender.answer = (m, attempt) => {
    if (m.token === "t0" && attempt === 1) return { ok: false, code: "messaging/message-rate-exceeded", retry: true, dropToken: false };
    if (m.token === "t1") return { ok: false, code: "messaging/registration-token-not-registered", retry: false, dropToken: true };
    return { ok: true };
  };
  await d.outbox.append({ kind: "round-start", gameId: "G", data: {}, at: Date.now() });
  await dispatchUntil(d, 2);
  expect(d.sender.batches).toEqual([["t0", "t1", "t2"], ["t0"]]);
  expect((await d.directory.pushTargets("G", null, 60_000)).map((t) => t.token).sort()).toEqual(["t0", "t2"]);
  expect(await d.outbox.reclaim("n2", 0, 10)).toEqual([]); // nothing left un-acknowledged
});

test("players in the foreground, and devices of other games' players, get nothing; `won` goes to the winners only", async () => {
  const d = await setup(3);
  await d.directory.setAppState("p1", "foreground");
  await d.directory.joined("OTHER", "stranger");
  await d.directory.registerToken("stranger", "t-stranger", "web");
  await d.directory.setAppState("stranger", "background");
  await d.outbox.append({ kind: "claims", gameId: "G", data: {}, at: Date.now() });
  await d.outbox.append({ kind: "won", gameId: "G", data: {}, players: ["p2"], at: Date.now() });
  await dispatchUntil(d, 2);
  expect(d.sender.batches).toEqual([["t0", "t2"], ["t2"]]);
});

test("an event older than its TTL is not sent", async () => {
  const d = await setup(2);
  await d.outbox.append({ kind: "claims", gameId: "G", data: {}, at: Date.now() - 11 * 60_000 });
  await d.outbox.append({ kind: "round-start", gameId: "G", data: {}, at: Date.now() });
  await dispatchUntil(d, 1);
  expect(d.sender.batches).toEqual([["t0", "t1"]]);
});

describe("slot counts are pushed when they cross a threshold, and the close always", () => {
  const THRESHOLDS = [1000, 500, 100, 50, 10];
  async function events() {
    const clock = new ManualClock();
    const outbox = new MemoryPushOutbox(clock);
    const push = new PushEvents(outbox, new MemoryPushGate(), clock, log, THRESHOLDS);
    const sent = async () => (await outbox.take("n", 100, 0)).map((e) => [e.event.kind, e.event.data.remaining]);
    return { push, sent };
  }

  test("the opening, then one count per threshold crossed below it (several at once: one), and the latest count each time", async () => {
    const { push, sent } = await events();
    push.claimsOpened("G", { total: 2000, remaining: 2000, version: 1 });
    await settle();
    expect(await sent()).toEqual([["claims", "2000"]]);
    const moves: [number, number][] = [[1500, 2], [1000, 3], [990, 4], [600, 5], [450, 6], [120, 7], [45, 8], [44, 9], [12, 10], [3, 11]];
    for (const [remaining, version] of moves) {
      push.slotsMoved("G", { total: 2000, remaining, version });
      await settle();
    }
    // 1000 crossed at 1000; 500 at 450; 100 and 50 together at 45; 10 at 3.
    expect(await sent()).toEqual([
      ["claims", "1000"],
      ["claims", "450"],
      ["claims", "45"],
      ["claims", "3"],
    ]);
  });

  test("a window that opens below some thresholds pushes only the ones below its opening", async () => {
    const { push, sent } = await events();
    push.claimsOpened("G", { total: 80, remaining: 80, version: 1 });
    push.slotsMoved("G", { total: 80, remaining: 60, version: 2 });
    push.slotsMoved("G", { total: 80, remaining: 50, version: 3 });
    await settle();
    expect(await sent()).toEqual([
      ["claims", "80"],
      ["claims", "50"],
    ]);
  });

  test("a storm asks the cross-node gate once per band this node crosses, not once per commit", async () => {
    const clock = new ManualClock();
    const gate = new MemoryPushGate();
    const asked: string[] = [];
    const counting = {
      phase: (...args: Parameters<MemoryPushGate["phase"]>) => (asked.push(`phase ${args[1]}`), gate.phase(...args)),
      count: (...args: Parameters<MemoryPushGate["count"]>) => (asked.push("count"), gate.count(...args)),
      current: (gameId: string) => gate.current(gameId),
    };
    const opener = new PushEvents(new MemoryPushOutbox(clock), counting, clock, log, THRESHOLDS);
    const other = new PushEvents(new MemoryPushOutbox(clock), counting, clock, log, THRESHOLDS);
    opener.claimsOpened("G", { total: 2000, remaining: 2000, version: 1 });
    // 2,000 commits, one slot each, alternating between the two nodes, down to sold out.
    for (let version = 2; version <= 2001; version++) {
      (version % 2 === 0 ? opener : other).slotsMoved("G", { total: 2000, remaining: 2001 - version, version });
      await settle();
    }
    const times = (what: string) => asked.filter((a) => a === what).length;
    expect(times("phase open")).toBe(1);
    // Per node: a count for each of the 5 thresholds it crosses, and the other node once
    // more for its first commit (it never saw the opening).
    expect(times("count")).toBe(2 * 5 + 1);
    expect(times("phase closed")).toBe(1); // the node whose commit sold out
  });

  test("selling out is pushed at once as claims-closed, and no count follows it", async () => {
    const { push, sent } = await events();
    push.claimsOpened("G", { total: 10, remaining: 10, version: 1 });
    push.slotsMoved("G", { total: 10, remaining: 4, version: 2 });
    push.slotsMoved("G", { total: 10, remaining: 0, version: 3 });
    await settle();
    expect(await sent()).toEqual([
      ["claims", "10"],
      ["claims-closed", "0"],
    ]);
    push.slotsMoved("G", { total: 10, remaining: 0, version: 4 });
    await settle();
    expect(await sent()).toEqual([]);
  });
});

describe("devices in the one-node directory follow the same rules as on Redis", () => {
  test("a token moves to the player who registered it last; beyond the limit the oldest goes; past the TTL it is pruned", async () => {
    const clock = new ManualClock();
    const directory = new MemoryPlayerDirectory(clock, { maxTokensPerPlayer: 2, tokenTtlMs: 1000 });
    for (const p of ["a", "b"]) {
      await directory.joined("G", p);
      await directory.setAppState(p, "background");
    }
    await directory.registerToken("a", "shared", "android");
    await directory.registerToken("b", "shared", "android");
    await directory.registerToken("a", "a1", "ios");
    await directory.registerToken("a", "a2", "ios");
    await directory.registerToken("a", "a3", "ios"); // a1 goes
    const tokens = async () => (await directory.pushTargets("G", null, 0)).map((t) => `${t.playerId}:${t.token}`).sort();
    expect(await tokens()).toEqual(["a:a2", "a:a3", "b:shared"]);
    clock.advance(600);
    await directory.registerToken("a", "a2", "ios"); // refreshed
    clock.advance(600);
    expect(await tokens()).toEqual(["a:a2"]);
  });
});
