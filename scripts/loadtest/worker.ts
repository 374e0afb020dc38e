/**
 * One load-generator process: holds a share of the simulated players as bare
 * socket.io-client sockets (no SDK objects, no per-player timers; per-player state in
 * typed arrays), and fires their claims when the coordinator says so.
 */
import jwt from "jsonwebtoken";
import { io } from "socket.io-client";
import type { Socket } from "socket.io-client";
import type { ClaimReport, FromWorker, ToWorker, WorkerSetup } from "./protocol";

let sockets: Socket[] = [];
let setup: WorkerSetup;
let lastVersion: Int32Array;
let lastRemaining: Int32Array;
let fluctuations = 0;
let slotsMessages = 0;
const remainingSeries: [number, number][] = [];

const send = (message: FromWorker): void => void process.send?.(message);

async function connect(s: WorkerSetup): Promise<void> {
  setup = s;
  lastVersion = new Int32Array(s.players).fill(-1);
  lastRemaining = new Int32Array(s.players).fill(2 ** 31 - 1);
  let failed = 0;
  let next = 0;
  const one = async (): Promise<void> => {
    while (next < s.players) {
      const i = next++;
      const player = s.firstPlayer + i;
      const socket = io(s.urls[player % s.urls.length], {
        transports: ["websocket"],
        reconnection: false,
        auth: { token: jwt.sign({ role: "player" }, s.secret, { algorithm: "HS256", subject: `lp-${player}`, expiresIn: "2h" }) },
      });
      socket.on("slots", (m: { remaining: number; version: number }) => {
        slotsMessages++;
        if (m.version <= lastVersion[i] || m.remaining > lastRemaining[i]) fluctuations++;
        lastVersion[i] = m.version;
        lastRemaining[i] = m.remaining;
        if (i === 0) remainingSeries.push([Date.now(), m.remaining]);
      });
      const ok = await new Promise<boolean>((resolve) => {
        socket.once("connect", () => resolve(true));
        socket.once("connect_error", () => resolve(false));
      });
      if (!ok) {
        failed++;
        continue;
      }
      await socket.timeout(30_000).emitWithAck("game:join", { gameId: s.gameId }).catch(() => undefined);
      sockets[i] = socket;
    }
  };
  await Promise.all(Array.from({ length: s.connectConcurrency }, one));
  sockets = sockets.filter(Boolean);
  send({ type: "connected", connected: sockets.length, failed });
}

interface Answer {
  ok: boolean;
  cards?: { id: number }[];
  error?: { code: string };
}

async function claim(count: number, repeatEvery: number): Promise<void> {
  const latencies: number[] = [];
  const grants: number[] = [];
  const refusals: Record<string, number> = {};
  let acked = 0;
  let lost = 0;
  let contradictions = 0;
  await Promise.all(
    sockets.map(async (socket, i) => {
      const player = setup.firstPlayer + i;
      const requestId = `storm-${player}`;
      const started = performance.now();
      const first = (await socket.timeout(60_000).emitWithAck("cards:claim", { gameId: setup.gameId, count, requestId }).catch(() => null)) as Answer | null;
      if (!first) {
        lost++;
        return;
      }
      acked++;
      latencies.push(performance.now() - started);
      if (first.ok) for (const card of first.cards ?? []) grants.push(player, card.id);
      else refusals[first.error!.code] = (refusals[first.error!.code] ?? 0) + 1;
      // Some players repeat their claim with the same requestId: the answer must not change.
      if (repeatEvery > 0 && player % repeatEvery === 0) {
        const again = (await socket.timeout(60_000).emitWithAck("cards:claim", { gameId: setup.gameId, count, requestId }).catch(() => null)) as Answer | null;
        if (!again || JSON.stringify(again.cards?.map((c) => c.id) ?? again.error?.code) !== JSON.stringify(first.cards?.map((c) => c.id) ?? first.error?.code)) contradictions++;
      }
    }),
  );
  const report: ClaimReport = { acked, lost, latenciesMs: latencies, grants, refusals, contradictions, fluctuations, slotsMessages, remainingSeries };
  send({ type: "claimed", report });
}

process.on("message", (message: ToWorker) => {
  if (message.type === "connect") void connect(message.setup);
  else if (message.type === "claim") void claim(message.count, message.repeatEvery);
  else if (message.type === "close") {
    for (const socket of sockets) socket.disconnect();
    send({ type: "closed" });
    setTimeout(() => process.exit(0), 50);
  }
});
