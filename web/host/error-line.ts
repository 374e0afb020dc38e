import type { ProtocolError } from "../../shared/protocol/codes";
import type { Ack } from "../../shared/protocol/events";
import { byTestId, setText } from "../common/dom";
import { errorText } from "../common/format";

/** The console's `error` line: the last refusal of any request, cleared by the next success. */
export class ErrorLine {
  private readonly node = byTestId("error");

  show(error: ProtocolError): void {
    setText(this.node, errorText(error));
    // The server's own words (for whoever runs the show's tech) on hover, and the code for tools.
    this.node.title = error.message;
    this.node.dataset.code = error.code;
  }

  /** A value the page itself refused before sending anything: said as it is. */
  invalid(message: string): void {
    setText(this.node, message);
    this.node.removeAttribute("title");
    this.node.dataset.code = "BAD_REQUEST";
  }

  clear(): void {
    setText(this.node, "");
    this.node.removeAttribute("title");
    delete this.node.dataset.code;
  }

  /** Shows or clears by the ack, and passes it on. */
  report<T extends object>(ack: Ack<T>): Ack<T> {
    if (ack.ok) this.clear();
    else this.show(ack.error);
    return ack;
  }
}
