import type { PhaseMessage } from "../../shared/protocol/state";
import type { GameTracker } from "../common/game-tracker";
import { byTestId, h } from "../common/dom";
import { ballName, money, patternLabel, plural, shortPlayer } from "../common/format";

const MAX_ENTRIES = 300;

/** The `calls` log, newest first: claim windows, draws, round changes, winners, the end. */
export class CallLog {
  private readonly list = byTestId("calls");
  private last: { phase: string; paused: boolean; auto: number | null };
  private soldOutLogged = false;

  constructor(tracker: GameTracker) {
    const { client, id } = tracker;
    const state = tracker.current;
    this.last = { phase: state.phase, paused: state.paused, auto: state.autoIntervalMs };
    client.onDraw((gameId, ball, index) => gameId === id && this.add("draw", `Ball ${index + 1}: ${ballName(ball, tracker.current.variant)}`));
    client.onSlots((gameId, slots) => {
      if (gameId !== id || tracker.current.phase !== "claiming") return;
      if (slots.remaining === 0 && !this.soldOutLogged) this.add("claims", `Sold out: all ${plural(slots.total, "card")} claimed`);
      this.soldOutLogged = slots.remaining === 0;
    });
    client.socket.on("game:phase", (message) => message.gameId === id && this.phaseChanged(message));
    client.socket.on("winners", (message) => {
      if (message.gameId !== id) return;
      const ball = tracker.draws[message.ballIndex];
      const by = ball === undefined ? "" : ` by ${ballName(ball, tracker.current.variant)}`;
      const prize = money(message.prizeEach, tracker.current.currency);
      for (const winner of message.winners) {
        const who = `card ${winner.cardId} (${shortPlayer(winner.playerId)})`;
        this.add("win", `Bingo! ${patternLabel(message.pattern)} completed${by} (ball #${message.ballIndex + 1}): ${who} wins ${prize}`);
      }
      // The room hears only the first winners of a crowd; the export lists them all.
      const more = message.winnerCount - message.winners.length;
      if (more > 0) this.add("win", `… and ${plural(more, "more card")} win ${prize} each (${plural(message.winnerCount, "winner")} in all: export the winners for the list)`);
    });
    client.socket.on("bingo:called", (message) => {
      if (message.gameId !== id) return;
      const how = message.auto ? "auto-claimed for" : "called by";
      this.add("call", `Bingo ${how} ${shortPlayer(message.playerId)}: card ${message.cardId}, ${patternLabel(message.pattern).toLowerCase()} on ball #${message.ballIndex + 1}`);
    });
    client.socket.on("game:finished", (message) => message.gameId === id && this.add("end", "Game finished: seed revealed"));
    this.add("info", `Following game ${id}: ${state.title}`);
  }

  private phaseChanged(message: PhaseMessage): void {
    const before = this.last;
    const paused = message.paused ?? false;
    const auto = message.autoIntervalMs !== undefined ? message.autoIntervalMs : before.auto;
    this.last = { phase: message.phase, paused, auto };
    if (message.phase === "claiming") return this.add("claims", "Claiming opened");
    if (message.phase === "lobby") return this.add("claims", "Claiming closed");
    if (message.phase !== "running") return;
    if (before.phase !== "running") return this.add("round", "Round started");
    if (paused !== before.paused) return this.add("round", paused ? "Paused" : "Resumed");
    if (auto !== before.auto) this.add("round", auto === null ? "Auto-draw stopped" : `Auto-draw every ${auto / 1000} s`);
  }

  private add(kind: string, text: string): void {
    const time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    this.list.prepend(h("li", { className: `call call-${kind}`, attrs: { "data-kind": kind } }, [h("time", { text: time }), h("span", { text })]));
    while (this.list.children.length > MAX_ENTRIES) this.list.lastElementChild?.remove();
  }
}
