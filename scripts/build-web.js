// Bundles the browser clients (web/) with esbuild into dist/web: one script per page, plus
// the HTML and CSS copied as they are. Part of `npm run build`, so `npm start` and `npm test`
// always serve fresh pages.
const fs = require("node:fs");
const path = require("node:path");
const esbuild = require("esbuild");

const root = path.resolve(__dirname, "..");
const out = path.join(root, "dist", "web");

esbuild.buildSync({
  entryPoints: { player: path.join(root, "web/player/main.ts"), host: path.join(root, "web/host/main.ts"), screen: path.join(root, "web/screen/main.ts") },
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "iife",
  platform: "browser",
  target: ["es2020"],
  outdir: path.join(out, "assets"),
  logLevel: "warning",
});
for (const [from, to] of [
  ["web/player/index.html", "player.html"],
  ["web/host/index.html", "host.html"],
  ["web/screen/index.html", "screen.html"],
  ["web/common/styles.css", "assets/styles.css"],
]) {
  fs.copyFileSync(path.join(root, from), path.join(out, to));
}
