/**
 * Compile-time locks on the typed event maps (after socket.io's `socket.io.test-d.ts`).
 * ts-jest type-checks this file: a `@ts-expect-error` line that stops being an error (a map
 * loosened to `any`, an event renamed, an ack body changed) fails the run. The runtime
 * assertions only keep jest from seeing an empty test.
 */
import type { Server } from "socket.io";
import type { ClientSocket } from "../../shared/client";
import type { Ack, AckOf, ClientToServerEvents, PayloadOf, ServerToClientEvents } from "../../shared/protocol";
import type { BingoServer, BingoSocket } from "../../server/transport/socket-types";

// Declared, never called: only their types are checked.
declare const client: ClientSocket;
declare const socket: BingoSocket;
declare const server: BingoServer;

function clientSide(): void {
  client.emit("cards:claim", { gameId: "G", count: 1, requestId: "r" }, (ack) => {
    if (ack.ok) ack.cards.map((card) => card.id);
  });
  // @ts-expect-error an unknown client event
  client.emit("cards:steal", { gameId: "G" }, () => undefined);
  // @ts-expect-error a payload missing its requestId
  client.emit("cards:claim", { gameId: "G", count: 1 }, () => undefined);
  client.emit("game:join", { gameId: "G" }, (ack) => {
    // @ts-expect-error a refused ack has no body: narrow on ok first
    void ack.game;
  });
  client.emit("game:peek", { gameId: "G" }, (ack) => {
    if (ack.ok) void ack.game.slots;
  });
  client.emit("push:prefs", { muted: ["claims"], quietHours: { start: "22:00", end: "07:00", timeZone: "Europe/Paris" } }, (ack) => {
    if (ack.ok) void ack.quietHours?.timeZone;
  });
  client.emit("push:prefs", {}, (ack) => {
    if (ack.ok) void ack.muted.includes("won");
  });
  // @ts-expect-error muted takes push kinds only
  client.emit("push:prefs", { muted: ["spam"] }, () => undefined);
  // @ts-expect-error quiet hours need a time zone
  client.emit("push:prefs", { quietHours: { start: "22:00", end: "07:00" } }, () => undefined);
  client.emit("player:name", { gameId: "G", name: "Ana" }, (ack) => {
    if (ack.ok) void ack.name.length;
  });
  // @ts-expect-error player:name needs the name
  client.emit("player:name", { gameId: "G" }, () => undefined);
  client.emit("players:list", { gameId: "G", cursor: 0, limit: 50 }, (ack) => {
    if (ack.ok) void [ack.next, ack.total, ack.players.map((p) => [p.name, p.cards, p.presence, p.won.length])];
  });
  // @ts-expect-error the cursor is a number (the previous page's next)
  client.emit("players:list", { gameId: "G", cursor: "abc" }, () => undefined);
  client.on("winners", (message) => void message.winners.map((w) => w.name ?? w.playerId));
  client.on("slots", (message) => void message.remaining);
  client.on("session:expired", (message) => void message.reason);
  client.emit("game:next", { gameId: "G" }, (ack) => {
    if (ack.ok) void ack.gameId.toUpperCase();
  });
  // @ts-expect-error game:next names the finished game
  client.emit("game:next", {}, () => undefined);
  client.on("game:next", (message) => {
    void message.to.toUpperCase();
    // @ts-expect-error game:next says from and to, not gameId
    void message.gameId;
  });
  // @ts-expect-error session:expired says why, nothing more
  client.on("session:expired", (message) => void message.expiredAt);
  // @ts-expect-error the server sends no such event
  client.on("slots:changed", () => undefined);
  client.on("draw", (message) => {
    // @ts-expect-error a draw carries ball and index, not a card
    void message.card;
  });
}

function serverSide(): void {
  socket.on("round:draw", (payload, ack) => {
    void payload.gameId;
    ack({ ok: true, ball: 7, index: 0, version: 1 });
    // @ts-expect-error the draw ack's body needs ball, index and version
    ack({ ok: true, ball: 7 });
  });
  socket.on("push:prefs", (_payload, ack) => {
    ack({ ok: true, muted: ["finished"], quietHours: null });
    // @ts-expect-error the prefs ack carries the stored quiet hours (null for none)
    ack({ ok: true, muted: [] });
  });
  server.to("game:G").emit("slots", { gameId: "G", total: 10, remaining: 9, version: 2, at: 0 });
  // @ts-expect-error slots needs its version
  server.to("game:G").emit("slots", { gameId: "G", total: 10, remaining: 9, at: 0 });
  server.serverSideEmit("slots:state", "G", 10, 9, 2);
  // @ts-expect-error inter-node messages are typed too
  server.serverSideEmit("slots:state", "G", "10", 9, 2);
}

// Helper types resolve to the map's types, not to `any`.
type ClaimAck = AckOf<"cards:claim">;
const claimBody: ClaimAck = { cards: [], slots: { total: 1, remaining: 1, version: 1 } };
// @ts-expect-error AckOf is the ok body, not a loose object
const wrongBody: AckOf<"round:draw"> = { cards: [] };
const payload: PayloadOf<"bingo:call"> = { gameId: "G", cardId: 1, requestId: "r" };
// @ts-expect-error cardId is a number
const wrongPayload: PayloadOf<"bingo:call"> = { gameId: "G", cardId: "1", requestId: "r" };
const refused: Ack<ClaimAck> = { ok: false, error: { code: "SOLD_OUT", message: "none left" } };
// @ts-expect-error an error code outside the catalogue
const unknownCode: Ack<ClaimAck> = { ok: false, error: { code: "OOPS", message: "?" } };
// The server type is exactly the four maps.
type Typed = Server<ClientToServerEvents, ServerToClientEvents>;

test("the typed event maps compile as locked above", () => {
  expect([clientSide, serverSide].every((check) => typeof check === "function")).toBe(true);
  expect([claimBody, wrongBody, payload, wrongPayload, refused, unknownCode]).toHaveLength(6);
  const typed: Typed | null = null;
  expect(typed).toBeNull();
});
