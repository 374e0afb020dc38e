import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_VARIABLES } from "../../server/config";
import { CLIENT_EVENTS, ERROR_CODES } from "../../shared/protocol";

const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
const tableRow = (name: string): RegExp => new RegExp(`^\\| \`${name}\` \\|`, "m");

test.each(Object.keys(ERROR_CODES))("the README documents error code %s", (code) => {
  expect(readme).toMatch(tableRow(code));
});

test.each(CONFIG_VARIABLES)("the README documents configuration variable %s", (name) => {
  expect(readme).toMatch(tableRow(name));
});

test.each([...Object.keys(CLIENT_EVENTS), "slots", "game:phase", "draw", "winners", "game:finished", "game:stats", "bingo:called"])("the README documents event %s", (event) => {
  expect(readme).toMatch(tableRow(event));
});
