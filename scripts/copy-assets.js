// tsc does not copy non-TypeScript files; the Redis function library ships beside the compiled store.
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
for (const rel of ["server/store/redis/lua"]) {
  fs.cpSync(path.join(root, rel), path.join(root, "dist", rel), { recursive: true });
}
