import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { CONFIG_VARIABLES } from "../../server/config";
import { CLIENT_EVENTS, ERROR_CODES, ERROR_REASONS } from "../../shared/protocol";
import { SERVER_EVENTS } from "../support/wire-schemas";

const root = join(__dirname, "..", "..");
const read = (file: string): string => readFileSync(join(root, file), "utf8");
const tableRow = (name: string): RegExp => new RegExp(`^\\| \`${name}\` \\|`, "m");
const protocol = read("docs/protocol.md");
const configuration = read("docs/configuration.md");

test.each(Object.keys(ERROR_CODES))("docs/protocol.md documents error code %s", (code) => {
  expect(protocol).toMatch(tableRow(code));
});

test.each(Object.keys(ERROR_REASONS))("docs/protocol.md documents error reason %s", (reason) => {
  expect(protocol).toMatch(tableRow(reason));
});

test.each(CONFIG_VARIABLES)("docs/configuration.md documents configuration variable %s", (name) => {
  expect(configuration).toMatch(tableRow(name));
});

test.each([...Object.keys(CLIENT_EVENTS), ...Object.keys(SERVER_EVENTS)])("docs/protocol.md documents event %s", (event) => {
  expect(protocol).toMatch(tableRow(event));
});

/** Every markdown page a reader can reach: the README and docs/. */
const pages = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
const anchorOf = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, "")
    .replace(/ /g, "-");

test.each(pages)("every relative link in %s points at a file (and heading) that exists", (page) => {
  const text = read(page).replace(/```[\s\S]*?```/g, "");
  const broken: string[] = [];
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target)) continue;
    const [path, anchor] = target.split("#");
    const file = path === "" ? join(root, page) : resolve(dirname(join(root, page)), path);
    if (!existsSync(file)) {
      broken.push(target);
      continue;
    }
    if (anchor && file.endsWith(".md")) {
      const headings = [...readFileSync(file, "utf8").matchAll(/^#{1,6} (.*)$/gm)].map((m) => anchorOf(m[1]));
      if (!headings.includes(anchor)) broken.push(target);
    }
  }
  expect(broken).toEqual([]);
});

test("the README stays a front door: at most 10 KB, linking every page of docs/", () => {
  const readme = read("README.md");
  expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(10 * 1024);
  for (const page of pages.filter((p) => p.startsWith("docs/"))) expect(readme).toContain(`(${page})`);
});
