/**
 * BASELINES for the benchmark — not part of the server. Each is a bare Socket.IO server
 * that answers the same `cards:claim` event of the shared protocol, the way people often
 * do it, so the load generator can measure them with exactly the same clients:
 *
 * - noop-ceiling: acks every claim at once with no work: the transport's own ceiling.
 * - noop-uws: the same on uWebSockets.js (Socket.IO's attachApp instead of Node's HTTP
 *   server and ws), to show what a uWS engine would give (`--engines uws`; see uws-build.ts).
 * - naive-counter: per claim, DECRBY the Redis counter, and when it went negative INCRBY
 *   back (compensate), then read the counter and broadcast it after every request: the
 *   approach that makes the visible number flicker.
 * - per-request-atomic: one atomic Redis script per claim (correct, no batching): one
 *   round trip per claim.
 *
 * Run: node dist/scripts/bench/baselines.js <kind> <port> <redisUrl> <authSecret> <gameId> <totalSlots> <maxPerPlayer>
 */
import { createServer } from "node:http";
import { Redis } from "ioredis";
import jwt from "jsonwebtoken";
import { Server } from "socket.io";
import type { Ack, Claimed, ClientToServerEvents, ServerToClientEvents } from "../../shared/protocol";
import { parsePayload, protocolError } from "../../shared/protocol";
import { loadUws } from "./uws-build";

type Kind = "noop-ceiling" | "noop-uws" | "naive-counter" | "per-request-atomic";

const ATOMIC_CLAIM = `
local remaining = tonumber(redis.call('GET', KEYS[1]) or '0')
local owned = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local want = math.min(tonumber(ARGV[2]), remaining, tonumber(ARGV[3]) - owned)
if want <= 0 then return { 0, remaining, tonumber(redis.call('INCR', KEYS[3])) - 1 } end
redis.call('DECRBY', KEYS[1], want)
redis.call('HINCRBY', KEYS[2], ARGV[1], want)
local first = redis.call('INCRBY', KEYS[4], want) - want + 1
local version = redis.call('INCR', KEYS[3])
return { want, remaining - want, version, first }
`;

async function main(): Promise<void> {
  const [kind, port, redisUrl, secret, gameId, totalSlots, maxPerPlayer] = process.argv.slice(2) as [Kind, string, string, string, string, string, string];
  const redis = new Redis(redisUrl);
  const keys = { remaining: `base:{${gameId}}:remaining`, owned: `base:{${gameId}}:owned`, version: `base:{${gameId}}:version`, next: `base:{${gameId}}:next` };
  await redis.del(...Object.values(keys));
  await redis.set(keys.remaining, totalSlots);
  const total = Number(totalSlots);
  const max = Number(maxPerPlayer);
  const options = { transports: ["websocket" as const], serveClient: false };
  const io = new Server<ClientToServerEvents, ServerToClientEvents, object, { sub: string }>(options);
  io.use((socket, next) => {
    try {
      const payload = jwt.verify(String(socket.handshake.auth?.token), secret, { algorithms: ["HS256"] }) as { sub: string };
      socket.data.sub = payload.sub;
      next();
    } catch {
      next(new Error("UNAUTHORIZED"));
    }
  });
  const room = `game:${gameId}`;
  io.on("connection", (socket) => {
    socket.on("game:join", (_payload, ack) => {
      void socket.join(room);
      ack({ ok: false, error: protocolError("NOT_FOUND", "baseline: join only subscribes") });
    });
    socket.on("cards:claim", async (payload, ack) => {
      const parsed = parsePayload("cards:claim", payload);
      if (!parsed.ok) return ack(parsed);
      const { count } = parsed.value;
      if (kind === "noop-ceiling" || kind === "noop-uws") return ack({ ok: true, cards: [], slots: { total, remaining: total, version: 0 } });
      if (kind === "naive-counter") {
        const after = await redis.decrby(keys.remaining, count);
        let granted = count;
        if (after < 0) {
          granted = Math.max(0, count + after);
          await redis.incrby(keys.remaining, count - granted);
        }
        // Broadcast the counter as it stands now, as naive code does: other requests' DECRs not
        // yet compensated can show through (below zero), then rise back when they compensate.
        const remaining = Number(await redis.get(keys.remaining));
        const version = await redis.incr(keys.version);
        io.to(room).emit("slots", { gameId, total, remaining, version, at: Date.now() });
        const first = granted > 0 ? (await redis.incrby(keys.next, granted)) - granted + 1 : 0;
        const cards = Array.from({ length: granted }, (_, i) => ({ id: first + i, grid: [] }));
        const reply: Ack<Claimed> = granted > 0 ? { ok: true, cards, slots: { total, remaining, version } } : { ok: false, error: protocolError("SOLD_OUT") };
        return ack(reply);
      }
      const [granted, remaining, version, first] = (await redis.eval(ATOMIC_CLAIM, 4, keys.remaining, keys.owned, keys.version, keys.next, socket.data.sub, count, max)) as number[];
      io.to(room).emit("slots", { gameId, total, remaining, version, at: Date.now() });
      if (granted === 0) return ack({ ok: false, error: protocolError(remaining === 0 ? "SOLD_OUT" : "LIMIT_REACHED") });
      ack({ ok: true, cards: Array.from({ length: granted }, (_, i) => ({ id: first + i, grid: [] })), slots: { total, remaining, version } });
    });
  });
  const listening = (): boolean => process.stdout.write(`baseline ${kind} listening on http://127.0.0.1:${port}\n`);
  if (kind === "noop-uws") {
    const app = loadUws().App();
    io.attachApp(app);
    app.listen("127.0.0.1", Number(port), (token: unknown) => {
      if (!token) throw new Error(`uWS could not listen on ${port}`);
      listening();
    });
    return;
  }
  const http = createServer();
  io.attach(http);
  http.listen(Number(port), "127.0.0.1", listening);
}

void main();
