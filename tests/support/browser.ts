import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { chromium } from "playwright-core";

/**
 * Real headless Chromium for the end-to-end tests, driven by playwright-core. The browser is
 * the system's (Debian's `chromium` package, or CHROMIUM_PATH): Playwright's own browser
 * download is not used.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 800 } as const;

/** How long one wait for the page may take before the test fails with a description. */
export const WAIT_MS = 45_000;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, timeout: 60_000 });
}

/** A page in its own context (own storage, so each page is its own guest), with its errors kept for failure messages. */
export interface E2ePage {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly name: string;
  /** Uncaught exceptions and console errors seen in the page. */
  readonly errors: string[];
}

/**
 * `prepare` runs on the new page before it loads: e.g. an init script (CDP
 * Page.addScriptToEvaluateOnNewDocument) standing in for an app that embeds the page.
 */
export async function openPage(
  browser: Browser,
  name: string,
  url: string,
  viewport: { width: number; height: number },
  prepare?: (page: Page) => Promise<void>,
): Promise<E2ePage> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  if (prepare) await prepare(page);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console.error: ${message.text()}`);
  });
  await page.goto(url, { waitUntil: "load" });
  return { context, page, name, errors };
}

/** The CSS selector of a data-testid, optionally nested: tid("cards", "card", "cell"). */
export function tid(...ids: string[]): string {
  return ids.map((id) => `[data-testid="${id}"]`).join(" ");
}

export function byTestId(page: Page, ...ids: string[]): Locator {
  return page.locator(tid(...ids));
}

/** What the page shows for the contract's main elements, for failure messages. */
async function describePage(target: E2ePage): Promise<string> {
  let shown = "(page not readable)";
  try {
    shown = await target.page.evaluate(() => {
      const parts: string[] = [];
      for (const el of Array.from(document.querySelectorAll<HTMLElement>("[data-testid]"))) {
        const id = el.dataset.testid ?? "";
        if (["cell", "ball", "card"].includes(id)) continue;
        const text = (el.textContent ?? "").replace(/\s+/g, " ").trim().slice(0, 80);
        const state = el.dataset.state ? ` [state=${el.dataset.state}]` : "";
        const disabled = (el as HTMLButtonElement).disabled ? " [disabled]" : "";
        const hidden = el.offsetParent === null && el.tagName !== "BODY" ? " [hidden]" : "";
        parts.push(`${id}${state}${disabled}${hidden}: ${JSON.stringify(text)}`);
      }
      return parts.length ? parts.join("\n  ") : "(no data-testid elements)";
    });
  } catch {
    // keep the placeholder
  }
  const errors = target.errors.length ? `\n  page errors:\n    ${target.errors.slice(-10).join("\n    ")}` : "";
  return `${target.name} (${target.page.url()}):\n  ${shown}${errors}`;
}

/**
 * Waits (with Playwright's polling, no sleeps) until `predicate(arg)` is truthy in the page;
 * on timeout fails with `what` and what the page showed.
 */
export async function waitUntil<A>(target: E2ePage, what: string, predicate: (arg: A) => unknown, arg: A, timeout = WAIT_MS): Promise<void> {
  try {
    await target.page.waitForFunction(predicate as (arg: unknown) => unknown, arg as unknown, { timeout, polling: 50 });
  } catch (error) {
    throw new Error(`${target.name}: timed out waiting for ${what} (${(error as Error).message.split("\n")[0]})\n${await describePage(target)}`);
  }
}

/** Waits until a data-testid element is attached and visible. */
export async function waitVisible(target: E2ePage, ...ids: string[]): Promise<Locator> {
  const locator = byTestId(target.page, ...ids).first();
  try {
    await locator.waitFor({ state: "visible" });
  } catch (error) {
    throw new Error(`${target.name}: ${tid(...ids)} never became visible (${(error as Error).message.split("\n")[0]})\n${await describePage(target)}`);
  }
  return locator;
}

/** Waits until the (first) element with this data-testid has exactly this trimmed text. */
export function waitText(target: E2ePage, id: string, expected: string, timeout = WAIT_MS): Promise<void> {
  return waitUntil(
    target,
    `${tid(id)} to read ${JSON.stringify(expected)}`,
    ([sel, want]) => (document.querySelector(sel)?.textContent ?? "").trim() === want,
    [tid(id), expected] as const,
    timeout,
  );
}

/** Waits until the connection indicator's data-state is (or is not) `state`. */
export function waitConnection(target: E2ePage, state: string, negate = false, timeout = WAIT_MS): Promise<void> {
  return waitUntil(
    target,
    `${tid("connection")} data-state ${negate ? "!=" : "="} ${state}`,
    ([sel, want, not]) => {
      const el = document.querySelector<HTMLElement>(sel);
      if (!el) return false;
      return not ? el.dataset.state !== want : el.dataset.state === want;
    },
    [tid("connection"), state, negate] as const,
    timeout,
  );
}

/** Waits until at least `count` elements match the nested data-testids. */
export function waitCount(target: E2ePage, ids: string[], count: number, timeout = WAIT_MS): Promise<void> {
  return waitUntil(
    target,
    `at least ${count} of ${tid(...ids)}`,
    ([sel, n]) => document.querySelectorAll(sel).length >= n,
    [tid(...ids), count] as const,
    timeout,
  );
}

/** Waits until a button (by data-testid) is disabled, or enabled. */
export function waitDisabled(target: E2ePage, id: string, disabled: boolean, timeout = WAIT_MS): Promise<void> {
  return waitUntil(
    target,
    `${tid(id)} to be ${disabled ? "disabled" : "enabled"}`,
    ([sel, want]) => {
      const el = document.querySelector<HTMLButtonElement>(sel);
      return !!el && el.disabled === want;
    },
    [tid(id), disabled] as const,
    timeout,
  );
}

/** Trimmed text of every element matching the nested data-testids, in document order. */
export function texts(page: Page, ...ids: string[]): Promise<string[]> {
  return page.locator(tid(...ids)).evaluateAll((els) => els.map((el) => (el.textContent ?? "").replace(/\s+/g, " ").trim()));
}

/** Sets a `select` or number/text input to `value`, whichever the page uses. */
export async function setValue(page: Page, id: string, value: string): Promise<void> {
  const field = byTestId(page, id).first();
  if ((await field.evaluate((el) => el.tagName)) === "SELECT") await field.selectOption(value);
  else await field.fill(value);
}

export const ARTIFACTS_DIR = join(__dirname, "..", "..", "test-artifacts");

/**
 * Screenshots to test-artifacts/ (ignored by git): `<name>.png` is what the screen shows
 * (the viewport, from the top of the page), `<name>-full.png` the whole page. Returns the paths.
 */
export async function screenshot(page: Page, name: string): Promise<string[]> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const screen = join(ARTIFACTS_DIR, `${name}.png`);
  const full = join(ARTIFACTS_DIR, `${name}-full.png`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: screen, fullPage: false, animations: "disabled" });
  await page.screenshot({ path: full, fullPage: true, animations: "disabled" });
  return [screen, full];
}
