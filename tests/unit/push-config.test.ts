import { isPushConfigAnswer } from "../../shared/protocol";

/** The player page hands GET /api/push-config's answer to Firebase's SDK only if it has this shape. */
describe("isPushConfigAnswer", () => {
  const firebase = { apiKey: "k", appId: "1:2:web:3", messagingSenderId: "2", projectId: "p" };

  test("accepts push off, and push on with every field", () => {
    expect(isPushConfigAnswer({ enabled: false })).toBe(true);
    expect(isPushConfigAnswer({ enabled: true, vapidKey: "BK", firebase })).toBe(true);
  });

  test.each<[string, unknown]>([
    ["null", null],
    ["a string", "enabled"],
    ["no enabled", { vapidKey: "BK", firebase }],
    ['enabled "true"', { enabled: "true", vapidKey: "BK", firebase }],
    ["no VAPID key", { enabled: true, firebase }],
    ["no firebase config", { enabled: true, vapidKey: "BK" }],
    ["a firebase field missing", { enabled: true, vapidKey: "BK", firebase: { ...firebase, appId: undefined } }],
    ["a firebase field not a string", { enabled: true, vapidKey: "BK", firebase: { ...firebase, projectId: 7 } }],
  ])("refuses %s", (_case, answer) => {
    expect(isPushConfigAnswer(answer)).toBe(false);
  });
});
