import { clickTarget, noticeFor, pageToFocus, parsePush } from "../../web/player/push-notice";

/**
 * The push service worker's rules (web/player/push-notice.ts), run in Node: what a push
 * shows and where its click leads. The service worker itself is tested in Chromium
 * (tests/e2e/web-push.test.ts); there a click cannot be made on a notification.
 */

const ORIGIN = "https://bingo.example";

/** A push as FCM delivers it to a service worker: data-only, the server's message today. */
function fcmPush(data: Record<string, string>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { data, from: "1234567890", fcmMessageId: "m-1", collapse_key: "claims:G1", priority: "high", ...extra };
}

describe("noticeFor: text from the data fields when the push has no notification block", () => {
  test.each<[string, Record<string, string>, string, string]>([
    ["claims open, with counts", { type: "claims", gameId: "G1", state: "open", remaining: "922", total: "1000", version: "3" }, "Cards on sale", "Game G1: 922 of 1000 cards left. Claim yours now."],
    ["claims, counts missing", { type: "claims", gameId: "G1" }, "Cards on sale", "Game G1: claim your cards now."],
    ["sold out", { type: "claims-closed", gameId: "G1", reason: "sold-out", remaining: "0", total: "10" }, "Sold out", "Game G1: every card is taken."],
    ["closed by the host", { type: "claims-closed", gameId: "G1", reason: "closed", remaining: "4", total: "10" }, "Claims closed", "Game G1: the host closed claiming with 4 cards left."],
    ["round start", { type: "round-start", gameId: "G1", version: "9" }, "The game is starting", "Game G1: the balls are being drawn."],
    ["won", { type: "won", gameId: "G1", pattern: "line", ballIndex: "12", prizeEach: "500" }, "You won!", "Game G1: your card won line."],
    ["finished", { type: "finished", gameId: "G1", seed: "abc" }, "Game over", "Game G1 is finished: see the winners and the public record."],
    ["a kind this worker does not know", { type: "something-new", gameId: "G1" }, "Bingo Live", "Game G1 has news."],
    ["`kind` instead of `type`", { kind: "round-start", gameId: "G1" }, "The game is starting", "Game G1: the balls are being drawn."],
  ])("%s", (_case, data, title, body) => {
    const notice = noticeFor(fcmPush(data), ORIGIN);
    expect(notice.title).toBe(title);
    expect(notice.options.body).toBe(body);
    expect(notice.options.data.link).toBe(`${ORIGIN}/play/G1`);
    expect(notice.options.data.gameId).toBe("G1");
  });

  test("one tag per kind and game, so a newer count replaces the shown one (and still alerts)", () => {
    const first = noticeFor(fcmPush({ type: "claims", gameId: "G1", remaining: "9", total: "10" }), ORIGIN);
    const later = noticeFor(fcmPush({ type: "claims", gameId: "G1", remaining: "5", total: "10" }), ORIGIN);
    const other = noticeFor(fcmPush({ type: "claims", gameId: "G2", remaining: "5", total: "10" }), ORIGIN);
    expect(first.options.tag).toBe("claims:G1");
    expect(later.options.tag).toBe(first.options.tag);
    expect(other.options.tag).not.toBe(first.options.tag);
    expect(first.options.renotify).toBe(true);
  });
});

describe("noticeFor: a notification block and fcmOptions.link win", () => {
  test("title and body from `notification`, link from fcmOptions", () => {
    const push = fcmPush(
      { type: "claims", gameId: "G1", remaining: "9", total: "10" },
      { notification: { title: "Claims are open", body: "Get your cards" }, fcmOptions: { link: `${ORIGIN}/play/G1?from=push` } },
    );
    const notice = noticeFor(push, ORIGIN);
    expect(notice.title).toBe("Claims are open");
    expect(notice.options.body).toBe("Get your cards");
    expect(notice.options.data.link).toBe(`${ORIGIN}/play/G1?from=push`);
  });

  test("a relative link, fcm_options (snake case) and click_action are understood", () => {
    expect(noticeFor(fcmPush({ type: "won", gameId: "G1" }, { fcm_options: { link: "/play/G7" } }), ORIGIN).options.data.link).toBe(`${ORIGIN}/play/G7`);
    expect(noticeFor(fcmPush({ type: "won", gameId: "G1" }, { notification: { title: "t", click_action: "/play/G8" } }), ORIGIN).options.data.link).toBe(`${ORIGIN}/play/G8`);
  });

  test("a link to another site is ignored: the click goes to the game on this site", () => {
    const notice = noticeFor(fcmPush({ type: "won", gameId: "G1" }, { fcmOptions: { link: "https://evil.example/play/G1" } }), ORIGIN);
    expect(notice.options.data.link).toBe(`${ORIGIN}/play/G1`);
  });

  test("an empty notification title falls back to the built text", () => {
    expect(noticeFor(fcmPush({ type: "won", gameId: "G1" }, { notification: { title: "", body: "" } }), ORIGIN).title).toBe("You won!");
  });
});

describe("noticeFor: whatever arrives, one bounded notification", () => {
  test.each<[string, string | null]>([
    ["no body", null],
    ["not JSON", "claims!"],
    ["a JSON array", "[1,2]"],
    ["a JSON string", '"hello"'],
    ["data not an object", JSON.stringify({ data: "x" })],
    ["numbers instead of strings", JSON.stringify({ data: { type: 5, gameId: 7 } })],
  ])("%s: the generic notice, to the home page", (_case, text) => {
    const notice = noticeFor(parsePush(text), ORIGIN);
    expect(notice.title).toBe("Bingo Live");
    expect(notice.options.body).toBe("Your game has news.");
    expect(notice.options.data.link).toBe(`${ORIGIN}/`);
  });

  test("a game id that is not one (a path, a URL) makes no link to it", () => {
    for (const gameId of ["../host", "https://evil.example", "G1/../../x", "x".repeat(65)]) {
      expect(noticeFor(fcmPush({ type: "won", gameId }), ORIGIN).options.data).toEqual({ link: `${ORIGIN}/`, kind: "won", gameId: null });
    }
  });

  test("huge texts are clipped", () => {
    const notice = noticeFor(fcmPush({ type: "x".repeat(10_000), gameId: "G1" }, { notification: { title: "t".repeat(10_000), body: "b".repeat(10_000) } }), ORIGIN);
    expect(notice.title.length).toBeLessThanOrEqual(120);
    expect(notice.options.body.length).toBeLessThanOrEqual(400);
    expect(notice.options.tag.length).toBeLessThanOrEqual(40 + 1 + 64);
  });
});

describe("the click", () => {
  test("goes to the notification's link on this site, else to the home page", () => {
    expect(clickTarget({ link: `${ORIGIN}/play/G1`, kind: "won", gameId: "G1" }, ORIGIN)).toBe(`${ORIGIN}/play/G1`);
    expect(clickTarget({ link: "https://evil.example/" }, ORIGIN)).toBe(`${ORIGIN}/`);
    expect(clickTarget(null, ORIGIN)).toBe(`${ORIGIN}/`);
    expect(clickTarget({ link: 42 }, ORIGIN)).toBe(`${ORIGIN}/`);
  });

  test("focuses a page already showing the game (whatever its query), else opens one", () => {
    const open = [`${ORIGIN}/`, `${ORIGIN}/play/G2`, `${ORIGIN}/play/G1?token=abc`];
    expect(pageToFocus(open, `${ORIGIN}/play/G1`)).toBe(2);
    expect(pageToFocus(open, `${ORIGIN}/play/G1/`)).toBe(2);
    expect(pageToFocus(open, `${ORIGIN}/play/G3`)).toBe(-1);
    expect(pageToFocus(["not a url"], `${ORIGIN}/play/G3`)).toBe(-1);
  });
});
