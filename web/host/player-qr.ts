import qrcode from "qrcode-generator";

/**
 * The player link as a QR code, for phones in the room to scan off the host's screen.
 * qrcode-generator: no dependencies, about 20 KB minified, its own types, and it builds
 * the SVG as text with no canvas or DOM of its own. An SVG stays sharp at any size (on a
 * projector too). Error correction M: a link of ~40 characters fits a small symbol that
 * phone cameras read from across a table.
 */
export function showPlayerQr(target: HTMLElement, link: string): void {
  const code = qrcode(0, "M");
  code.addData(link, "Byte");
  code.make();
  // The library escapes nothing we pass but the link, which it encodes as modules, not text.
  target.innerHTML = code.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
  const svg = target.querySelector("svg");
  if (!svg) return;
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `QR code of the player link ${link}`);
  svg.dataset.testid = "player-qr-code";
  target.dataset.link = link;
}
