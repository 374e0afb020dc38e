/**
 * The claim-storm chart for docs/performance.md: claims acked per second and the remaining count
 * one player saw, over the storm. Drawn as a small SVG and rasterised with resvg (fonts
 * from the system), so no browser or canvas is needed.
 */
import { Resvg } from "@resvg/resvg-js";

export interface ChartSeries {
  readonly title: string;
  /** [ms since the storm began, claims per second]. */
  readonly rate: readonly (readonly [number, number])[];
  /** [ms since the storm began, remaining]. */
  readonly remaining: readonly (readonly [number, number])[];
  readonly totalSlots: number;
}

const W = 900;
const H = 420;
const PAD = { left: 70, right: 80, top: 50, bottom: 50 };
const RATE_COLOUR = "#1f6feb";
const REMAINING_COLOUR = "#d1242f";

/** Round numbers for an axis from 0 to at least `max`. */
function ticks(max: number, count = 5): number[] {
  const raw = Math.max(1, max) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  return Array.from({ length: Math.ceil(max / step) + 1 }, (_, i) => Math.round(i * step * 1e6) / 1e6);
}

const escape = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");

export function chartSvg(s: ChartSeries): string {
  const endMs = Math.max(1, ...s.rate.map(([t]) => t), ...s.remaining.map(([t]) => t));
  const xTicks = ticks(endMs / 1000, 8);
  const xMax = xTicks[xTicks.length - 1] * 1000;
  const rateTicks = ticks(Math.max(1, ...s.rate.map(([, r]) => r)));
  const rateMax = rateTicks[rateTicks.length - 1];
  const remTicks = ticks(s.totalSlots);
  const remMax = remTicks[remTicks.length - 1];
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (ms: number): number => PAD.left + (ms / xMax) * plotW;
  const yRate = (v: number): number => PAD.top + plotH - (v / rateMax) * plotH;
  const yRem = (v: number): number => PAD.top + plotH - (v / remMax) * plotH;
  const path = (points: readonly (readonly [number, number])[], y: (v: number) => number): string =>
    points.map(([t, v], i) => `${i === 0 ? "M" : "L"}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  // The remaining count holds its value until the next message: draw it as steps, from the total at 0.
  const steps: [number, number][] = [[0, s.totalSlots]];
  for (const [t, v] of s.remaining) steps.push([t, steps[steps.length - 1][1]], [t, v]);
  steps.push([endMs, steps[steps.length - 1][1]]);
  const font = `font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif"`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
<rect width="${W}" height="${H}" fill="#ffffff"/>
<text x="${W / 2}" y="28" text-anchor="middle" font-size="17" ${font} fill="#24292f">${escape(s.title)}</text>
${xTicks.map((t) => `<line x1="${x(t * 1000)}" y1="${PAD.top}" x2="${x(t * 1000)}" y2="${PAD.top + plotH}" stroke="#eaeef2"/><text x="${x(t * 1000)}" y="${PAD.top + plotH + 18}" text-anchor="middle" font-size="12" ${font} fill="#57606a">${t}</text>`).join("\n")}
${rateTicks.map((v) => `<line x1="${PAD.left}" y1="${yRate(v)}" x2="${PAD.left + plotW}" y2="${yRate(v)}" stroke="#eaeef2"/><text x="${PAD.left - 8}" y="${yRate(v) + 4}" text-anchor="end" font-size="12" ${font} fill="${RATE_COLOUR}">${v.toLocaleString("en-US")}</text>`).join("\n")}
${remTicks.map((v) => `<text x="${PAD.left + plotW + 8}" y="${yRem(v) + 4}" font-size="12" ${font} fill="${REMAINING_COLOUR}">${v.toLocaleString("en-US")}</text>`).join("\n")}
<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#8c959f"/>
<path d="${path(s.rate, yRate)}" fill="none" stroke="${RATE_COLOUR}" stroke-width="2"/>
<path d="${path(steps, yRem)}" fill="none" stroke="${REMAINING_COLOUR}" stroke-width="2"/>
<text x="${PAD.left + plotW / 2}" y="${H - 12}" text-anchor="middle" font-size="13" ${font} fill="#24292f">seconds since claims opened</text>
<text transform="translate(18 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="13" ${font} fill="${RATE_COLOUR}">claims acked per second</text>
<text transform="translate(${W - 16} ${PAD.top + plotH / 2}) rotate(90)" text-anchor="middle" font-size="13" ${font} fill="${REMAINING_COLOUR}">slots remaining (one player's view)</text>
</svg>
`;
}

export function chartPng(s: ChartSeries): Buffer {
  return new Resvg(chartSvg(s), { font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" } }).render().asPng();
}
