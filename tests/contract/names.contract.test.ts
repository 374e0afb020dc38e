import type { GameStore } from "../../server/ports/game-store";
import { cardGrid, drawOrder } from "../../server/domain/cards";
import { completionIndex, drawPositions } from "../../server/domain/patterns";
import { contractStores } from "../support/contract-stores";
import { callBatch, claimBatch, gameFixture, TEST_SEED } from "../support/games";

const stores = contractStores();

const HOST = "host-1";
const POSITIONS = drawPositions(drawOrder(TEST_SEED, 75));
const lineAt = (cardId: number): number => completionIndex(cardGrid(TEST_SEED, 75, cardId), "line", POSITIONS);
const completions = (cardId: number): string => [lineAt(cardId), completionIndex(cardGrid(TEST_SEED, 75, cardId), "full-house", POSITIONS)].join(",");

let counter = 0;
async function newGame(store: GameStore): Promise<string> {
  const id = `n${Date.now().toString(36)}${++counter}`;
  expect(await store.createGame(gameFixture(id, HOST, { graceMs: 0, prizes: [1000, 5000], patterns: ["line", "full-house"] }))).toEqual({ ok: true, value: undefined });
  return id;
}

describe.each(stores.all)("names and roster contract: %s", (_name, makeStore) => {
  let store: GameStore;
  beforeAll(async () => {
    store = await makeStore();
  });
  afterAll(async () => {
    await store.close();
  });

  test("the roster lists each player once, in the order of their first grant, with cards held and names; pages by cursor", async () => {
    const id = await newGame(store);
    await store.openClaims(id, HOST, 100, 10);
    expect(await store.roster(id, HOST, 0, 10)).toEqual({ ok: true, value: { players: [], total: 0 } });
    await claimBatch(store, id, ["p2", "a", 2, "p1", "b", 1, "p2", "c", 1]);
    await claimBatch(store, id, ["p3", "d", 3, "p1", "e", 2]);
    expect(await store.setName(id, "p1", "Ana")).toEqual({ ok: true, value: undefined });
    expect(await store.setName(id, "p3", "=Bo")).toEqual({ ok: true, value: undefined });
    expect(await store.roster(id, HOST, 0, 2)).toEqual({
      ok: true,
      value: {
        players: [
          { playerId: "p2", name: null, cards: 3 },
          { playerId: "p1", name: "Ana", cards: 3 },
        ],
        total: 3,
      },
    });
    expect(await store.roster(id, HOST, 2, 2)).toEqual({ ok: true, value: { players: [{ playerId: "p3", name: "=Bo", cards: 3 }], total: 3 } });
    expect(await store.roster(id, HOST, 3, 2)).toEqual({ ok: true, value: { players: [], total: 3 } });
  });

  test("a rename replaces the name: the roster still holds one entry per player", async () => {
    const id = await newGame(store);
    await store.openClaims(id, HOST, 100, 10);
    await claimBatch(store, id, ["p1", "a", 1]);
    for (let i = 0; i < 50; i++) await store.setName(id, "p1", `Name ${i}`);
    expect(await store.roster(id, HOST, 0, 100)).toEqual({ ok: true, value: { players: [{ playerId: "p1", name: "Name 49", cards: 1 }], total: 1 } });
  });

  test("only the game's host reads the roster; an unknown game is NOT_FOUND for names and roster", async () => {
    const id = await newGame(store);
    expect(await store.roster(id, "intruder", 0, 10)).toEqual({ ok: false, error: expect.objectContaining({ code: "FORBIDDEN" }) });
    expect(await store.roster("nope-no-game", HOST, 0, 10)).toEqual({ ok: false, error: expect.objectContaining({ code: "NOT_FOUND" }) });
    expect(await store.setName("nope-no-game", "p1", "Ana")).toEqual({ ok: false, error: expect.objectContaining({ code: "NOT_FOUND" }) });
  });

  test("an award carries each winner's name as it was when the prize was awarded; unnamed winners have none", async () => {
    const id = await newGame(store);
    await store.openClaims(id, HOST, 200, 200);
    await claimBatch(store, id, ["p1", "all", 100, "p2", "all", 100]);
    await store.setName(id, "p1", "Zoë");
    expect((await store.startRound(id, HOST)).ok).toBe(true);
    // The first ball on which a card of each player completes a line, and such a card each.
    let ball = Infinity;
    for (let card = 1; card <= 200; card++) ball = Math.min(ball, lineAt(card));
    const cards = [];
    for (let card = 1; card <= 200; card++) if (lineAt(card) === ball) cards.push(card);
    for (let i = 0; i <= ball; i++) expect((await store.draw(id, { hostId: HOST }, i)).ok).toBe(true);
    const owner = (card: number) => (card <= 100 ? "p1" : "p2");
    await callBatch(store, id, cards.flatMap((card, i) => [owner(card), `c${i}`, card, completions(card), 0]));
    const finished = await store.finishGame(id, HOST);
    await store.setName(id, "p1", "Later");
    const expected = cards.map((cardId) => (owner(cardId) === "p1" ? { playerId: "p1", cardId, name: "Zoë" } : { playerId: "p2", cardId }));
    expect(finished.ok && finished.value.awards[0].winners).toEqual(expected);
    const view = await store.view(id, "");
    expect(view.ok && view.value.awards[0].winners).toEqual(expected);
  });
});
