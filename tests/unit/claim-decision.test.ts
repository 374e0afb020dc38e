import { decideClaim } from "../../server/domain/claim-decision";

const open = { phase: "claiming" as const, remaining: 10, maxPerPlayer: 4 };

test.each([
  ["grants the full count when it fits", open, 0, 3, 3],
  ["grants up to what remains", { ...open, remaining: 2 }, 0, 3, 2],
  ["grants up to the player's limit", open, 3, 3, 1],
  ["takes the smallest of the three", { ...open, remaining: 2 }, 1, 5, 2],
  ["is SOLD_OUT with nothing left", { ...open, remaining: 0 }, 0, 1, "SOLD_OUT"],
  ["is LIMIT_REACHED at the limit", open, 4, 1, "LIMIT_REACHED"],
  ["prefers SOLD_OUT over LIMIT_REACHED", { ...open, remaining: 0 }, 4, 1, "SOLD_OUT"],
  ["is CLAIMS_CLOSED in the lobby", { ...open, phase: "lobby" as const }, 0, 1, "CLAIMS_CLOSED"],
  ["is CLAIMS_CLOSED once running", { ...open, phase: "running" as const }, 0, 1, "CLAIMS_CLOSED"],
])("decideClaim %s", (_name, window, owned, count, expected) => {
  expect(decideClaim(window, owned, count)).toBe(expected);
});
