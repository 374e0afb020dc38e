import type { Browser } from "playwright-core";
import type { E2ePage } from "../support/browser";
import { PHONE, launchBrowser, openPage, screenshot, waitConnection, waitDisabled, waitText, waitUntil } from "../support/browser";
import type { TestRedis } from "../support/redis-server";
import { reservedPort, startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { TEST_SECRET, startTestApp, tokenFor } from "../support/test-app";
import { claimCards, connected, shownCardIds } from "./pages";

/**
 * A player's phone rides through a server restart: the only node on the game's Redis stops,
 * the page says it is reconnecting, a new node comes up on the same port and Redis, and the
 * page is back with the same cards and count, and claiming still works.
 */

jest.setTimeout(300_000);

let redis: TestRedis;
let browser: Browser;
let port: number;
const nodes: TestApp[] = [];
let player: E2ePage | undefined;

/** Both nodes share one Redis and one AUTH_SECRET, so a token outlives the node that saw it first. */
async function startNode(): Promise<TestApp> {
  const node = await startTestApp({ redisUrl: redis.url, config: { port, authSecret: TEST_SECRET } });
  nodes.push(node);
  return node;
}

beforeAll(async () => {
  redis = await startRedis();
  port = await reservedPort();
  browser = await launchBrowser();
});

afterAll(async () => {
  await player?.context.close().catch(() => undefined);
  await browser?.close();
  for (const node of nodes) await node.stop().catch(() => undefined);
  await redis?.stop();
});

test("a player page reconnects after the node restarts and keeps its cards, count and claims", async () => {
  const node1 = await startNode();
  const host = await node1.client("e2e-restart-host", "host");
  const created = await host.createGame({ title: "Restart show", variant: 75 });
  if (!created.ok) throw new Error(`create: ${JSON.stringify(created)}`);
  const { gameId } = created;
  const opened = await host.openClaims({ gameId, totalSlots: 10, maxPerPlayer: 3 });
  if (!opened.ok) throw new Error(`open: ${JSON.stringify(opened)}`);

  const token = tokenFor("e2e-restart-player", "player");
  player = await openPage(browser, "player", `${node1.url}/play/${gameId}?token=${encodeURIComponent(token)}`, PHONE);
  await connected(player);
  await waitText(player, "game-title", "Restart show");
  await waitText(player, "phase", "Claiming open");
  await waitText(player, "slots-left", "10");
  await claimCards(player, 2, 2);
  await waitText(player, "slots-left", "8");
  const cardsBefore = await shownCardIds(player);
  expect(cardsBefore).toEqual([1, 2]);

  // The node goes away: the page notices.
  await node1.stop();
  nodes.splice(nodes.indexOf(node1), 1);
  await waitConnection(player, "connected", true);
  await waitUntilOneOf(player, ["reconnecting", "offline"]);

  // A new node on the same port and Redis: the page is back, with the same state.
  const node2 = await startNode();
  expect(node2.port).toBe(port);
  await connected(player);
  await waitText(player, "phase", "Claiming open");
  await waitText(player, "slots-left", "8");
  expect(await shownCardIds(player)).toEqual(cardsBefore);

  // Claiming still works, up to the limit of 3.
  await waitDisabled(player, "claim-button", false);
  await claimCards(player, 1, 3);
  await waitText(player, "slots-left", "7");
  expect(await shownCardIds(player)).toEqual([1, 2, 3]);
  await waitDisabled(player, "claim-button", true);

  // The server agrees.
  const checker = await node2.client("e2e-restart-player", "player");
  const joined = await checker.join(gameId);
  if (!joined.ok) throw new Error(`join: ${JSON.stringify(joined)}`);
  expect(joined.game.myCards.map((card) => card.id)).toEqual([1, 2, 3]);
  expect(joined.game.slots.remaining).toBe(7);

  await screenshot(player.page, "player-after-restart");
  expect(player.errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
});

async function waitUntilOneOf(target: E2ePage, states: string[]): Promise<void> {
  await waitUntil(
    target,
    `connection data-state in ${states.join("|")} with its text`,
    (wanted) => {
      const el = document.querySelector<HTMLElement>('[data-testid="connection"]');
      if (!el || !wanted.includes(el.dataset.state ?? "")) return false;
      const text = (el.textContent ?? "").trim();
      return el.dataset.state === "offline" ? text === "Offline" : text === "Reconnecting…";
    },
    states,
  );
}
