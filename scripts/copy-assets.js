// tsc does not copy non-TypeScript files; the Redis function library ships beside the compiled store.
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
for (const rel of ["server/store/redis/bingo.lua"]) {
  const target = path.join(root, "dist", rel);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(root, rel), target);
}
