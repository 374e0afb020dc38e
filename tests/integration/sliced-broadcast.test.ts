import { executionAsyncId } from "node:async_hooks";
import type { BingoClient } from "../../shared/client";
import type { SlotsMessage } from "../../shared/protocol";
import { AckedSlots } from "../../server/transport/acked-slots";
import { SLICE_PACE_MS, SlicedSlotsEmitter } from "../../server/transport/sliced-emit";
import { roomOf } from "../../server/transport/socket-types";
import { ok } from "../support/acks";
import { slotsReach } from "../support/events";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";

/**
 * A big room's `slots` broadcast is written a slice at a time, one slice per event-loop turn
 * here (BROADCAST_SLICE_MS=0), so acks and ticks are not held behind it. On real sockets:
 * the slices are separate turns of the node's event loop, and every member still gets the
 * state exactly once.
 */
const PLAYERS = 22;
const SLICE = 4;
const TOTAL = 500;

let app: TestApp;
let host: BingoClient;
let players: BingoClient[];

beforeEach(async () => {
  app = await startTestApp({ sliceSockets: SLICE, config: { broadcastSliceMs: 0, slotsMinIntervalMs: 0 } });
  host = await app.client("slice-host", "host");
  players = await Promise.all(Array.from({ length: PLAYERS }, (_, i) => app.client(`slice-player-${i}`, "player")));
});

afterEach(() => app.stop());

test("a slots broadcast spans one event-loop turn per slice, and reaches every member once (the claimer in its ack)", async () => {
  const { gameId } = ok(await host.createGame({ title: "Slices" }), "create");
  ok(await host.openClaims({ gameId, totalSlots: TOTAL, maxPerPlayer: 5 }), "open");
  for (const player of players) ok(await player.join(gameId), "join");
  // The joins' own count went out: what follows is the claim's.
  await Promise.all(players.map((player) => slotsReach(player, gameId, (slots) => slots.remaining === TOTAL)));

  const members = app.io.of("/").adapter.rooms.get(roomOf(gameId))!.size;
  const slices: { sockets: number; turn: number }[] = [];
  const adapter = app.io.of("/").adapter;
  const broadcast = adapter.broadcast.bind(adapter);
  adapter.broadcast = (packet, opts) => {
    if ((packet.data as unknown[])[0] === "slots") slices.push({ sockets: opts.rooms.size, turn: executionAsyncId() });
    return broadcast(packet, opts);
  };
  const heard: SlotsMessage[][] = players.map(() => []);
  players.forEach((player, k) => player.socket.on("slots", (message) => heard[k].push(message)));

  ok(await players[0].claim(gameId, 1, "slice-claim"), "claim");
  await Promise.all(players.map((player) => slotsReach(player, gameId, (slots) => slots.remaining === TOTAL - 1)));

  // Every member but the claimer (its ack carried this count) written to once, SLICE sockets
  // at a time, each slice in a turn of its own.
  expect(slices.reduce((sum, slice) => sum + slice.sockets, 0)).toBe(members - 1);
  expect(Math.max(...slices.map((slice) => slice.sockets))).toBe(SLICE);
  expect(slices).toHaveLength(Math.ceil(members / SLICE));
  expect(new Set(slices.map((slice) => slice.turn)).size).toBe(slices.length);
  expect(heard[0]).toEqual([]);
  expect(players[0].slots(gameId)).toMatchObject({ remaining: TOTAL - 1 });
  for (const messages of heard.slice(1)) expect(messages.map((m) => m.remaining)).toEqual([TOTAL - 1]);
});

test("a member whose claim ack carried the version being sent is skipped, and hears the next version", async () => {
  const { gameId } = ok(await host.createGame({ title: "Acked" }), "create");
  for (const player of players) ok(await player.join(gameId), "join");
  const room = roomOf(gameId);
  const heard: number[][] = players.map(() => []);
  players.forEach((player, k) => player.socket.on("slots", (message) => heard[k].push(message.version)));
  const state = (version: number): SlotsMessage => ({ gameId, total: 100, remaining: 100 - version, version, at: Date.now() });
  const acked = new AckedSlots(app.io);
  const serverSocket = (player: BingoClient) => app.io.of("/").sockets.get(player.socket.id!)!;
  // Player 0 was answered with version 10, player 1 with 9 (older), player 2 with 10 of another game.
  acked.note(serverSocket(players[0]), gameId, 10);
  acked.note(serverSocket(players[1]), gameId, 9);
  acked.note(serverSocket(players[2]), "another-game", 10);

  const emitter = new SlicedSlotsEmitter(app.io, { sliceMs: 0, sliceSockets: SLICE, now: () => performance.now() }, acked);
  for (const version of [10, 11]) await new Promise<void>((done) => emitter.emit(room, () => state(version), () => done()));
  await Promise.all(players.map((player) => slotsReach(player, gameId, (slots) => slots.version === 11)));

  expect(heard[0]).toEqual([11]);
  for (const versions of heard.slice(1)) expect(versions).toEqual([10, 11]);
});

test("a state that moves during an emit reaches the members written before it once, in the next emit", async () => {
  const { gameId } = ok(await host.createGame({ title: "Moving" }), "create");
  for (const player of players) ok(await player.join(gameId), "join");
  const room = roomOf(gameId);
  const members = app.io.of("/").adapter.rooms.get(room)!.size;
  const heard: number[][] = players.map(() => []);
  players.forEach((player, k) => player.socket.on("slots", (message) => heard[k].push(message.version)));
  const state = (version: number): SlotsMessage => ({ gameId, total: 100, remaining: 100 - version, version, at: Date.now() });

  const emitter = new SlicedSlotsEmitter(app.io, { sliceMs: 0, sliceSockets: SLICE, now: () => performance.now() });
  // Version 10 moves to 11 after the first two slices were written.
  let asked = 0;
  const v10 = state(10);
  const v11 = state(11);
  await new Promise<void>((done) => emitter.emit(room, () => (++asked <= 2 ? v10 : v11), () => done()));
  // The next emit of 11 goes only to the first two slices' members; then 12 to everyone.
  await new Promise<void>((done) => emitter.emit(room, () => v11, () => done()));
  const v12 = state(12);
  await new Promise<void>((done) => emitter.emit(room, () => v12, () => done()));
  await Promise.all(players.map((player) => slotsReach(player, gameId, (slots) => slots.version === 12)));

  const early = heard.filter((versions) => versions[0] === 10);
  expect(early.length).toBeGreaterThan(0);
  expect(early.length).toBeLessThanOrEqual(2 * SLICE);
  for (const versions of heard) expect(versions).toEqual(versions[0] === 10 ? [10, 11, 12] : [11, 12]);
  expect(members).toBeGreaterThan(2 * SLICE);
});

test(`an emit behind its pace (${SLICE_PACE_MS} ms) writes on past the slice time until it has caught up`, async () => {
  const { gameId } = ok(await host.createGame({ title: "Paced" }), "create");
  for (const player of players) ok(await player.join(gameId), "join");
  const room = roomOf(gameId);
  const members = app.io.of("/").adapter.rooms.get(room)!.size;
  const turns: number[] = [];
  const adapter = app.io.of("/").adapter;
  const broadcast = adapter.broadcast.bind(adapter);
  adapter.broadcast = (packet, opts) => {
    if ((packet.data as unknown[])[0] === "slots") turns.push(executionAsyncId());
    return broadcast(packet, opts);
  };
  // Every reading of this clock is 300 ms later: the first turn writes one slice, and the
  // next one finds the emit past its pace and writes everything left.
  let clock = 0;
  const emitter = new SlicedSlotsEmitter(app.io, { sliceMs: 0, sliceSockets: SLICE, now: () => (clock += 300) });
  const v5: SlotsMessage = { gameId, total: 100, remaining: 95, version: 5, at: Date.now() };
  await new Promise<void>((done) => emitter.emit(room, () => v5, () => done()));
  await Promise.all(players.map((player) => slotsReach(player, gameId, (slots) => slots.version === 5)));

  expect(turns).toHaveLength(Math.ceil(members / SLICE));
  expect(new Set(turns).size).toBe(2);
});
