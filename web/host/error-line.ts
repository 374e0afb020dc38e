import type { ProtocolError } from "../../shared/protocol/codes";
import type { Ack } from "../../shared/protocol/events";
import { byTestId, setText } from "../common/dom";
import { errorText } from "../common/format";

/** The console's `error` line: the last refusal of any request, cleared by the next success. */
export class ErrorLine {
  private readonly node = byTestId("error");

  show(error: ProtocolError): void {
    setText(this.node, errorText(error));
  }

  clear(): void {
    setText(this.node, "");
  }

  /** Shows or clears by the ack, and passes it on. */
  report<T extends object>(ack: Ack<T>): Ack<T> {
    if (ack.ok) this.clear();
    else this.show(ack.error);
    return ack;
  }
}
