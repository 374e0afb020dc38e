// Bundles the browser clients (web/) with esbuild into dist/web: one script per page, plus
// the HTML and CSS copied as they are. The player page is an ES module so that the Firebase
// web SDK, needed only when web push is configured, is split into a chunk loaded on demand
// (esbuild splits only ES modules); its service worker is a classic script of its own at
// the root (/push-sw.js), where its scope covers every page. Part of `npm run build`, so `npm start` and `npm test`
// always serve fresh pages.
const fs = require("node:fs");
const path = require("node:path");
const esbuild = require("esbuild");

const root = path.resolve(__dirname, "..");
const out = path.join(root, "dist", "web");

const common = { bundle: true, minify: true, sourcemap: true, platform: "browser", target: ["es2020"], logLevel: "warning" };
fs.rmSync(path.join(out, "assets"), { recursive: true, force: true });
esbuild.buildSync({
  ...common,
  entryPoints: { player: path.join(root, "web/player/main.ts") },
  format: "esm",
  splitting: true,
  outdir: path.join(out, "assets"),
});
esbuild.buildSync({
  ...common,
  entryPoints: {
    host: path.join(root, "web/host/main.ts"),
    screen: path.join(root, "web/screen/main.ts"),
    record: path.join(root, "web/record/main.ts"),
  },
  format: "iife",
  outdir: path.join(out, "assets"),
});
esbuild.buildSync({ ...common, entryPoints: { "push-sw": path.join(root, "web/player/push-sw.ts") }, format: "iife", outdir: out });
for (const [from, to] of [
  ["web/player/index.html", "player.html"],
  ["web/host/index.html", "host.html"],
  ["web/screen/index.html", "screen.html"],
  ["web/common/styles.css", "assets/styles.css"],
  ["web/record/index.html", "record.html"],
  ["web/record/record.css", "assets/record.css"],
]) {
  fs.copyFileSync(path.join(root, from), path.join(out, to));
}
