import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

/** dist/web, from the compiled server (dist/server/http) or from the sources under ts-jest. */
export function webRoot(): string {
  return __dirname.includes(`${join("dist", "server")}`) ? join(__dirname, "..", "..", "web") : join(__dirname, "..", "..", "dist", "web");
}

const PAGE = /^\/(?:play\/[A-Za-z0-9_-]{1,64}\/?)?$/;
const SCREEN = /^\/screen\/[A-Za-z0-9_-]{1,64}\/?$/;
const RECORD = /^\/record\/[A-Za-z0-9_-]{1,64}\/?$/;
// esbuild names the lazily loaded chunks (the Firebase SDK) `chunk-<HASH>.js`.
const ASSET = /^\/assets\/([A-Za-z0-9-]+\.(?:js|css|map))$/;
// At the root so that its scope (by default the folder of its script) covers every page.
const SERVICE_WORKER = /^\/(push-sw\.js(?:\.map)?)$/;

/**
 * Serves the browser clients built by `npm run build`: the player app at `/` and
 * `/play/<gameId>`, the host console at `/host`, the presenter screen at `/screen/<gameId>`,
 * a finished game's public record page at `/record/<gameId>`,
 * their scripts and styles under `/assets/`, and the player app's web push service worker
 * at `/push-sw.js`.
 * Returns false for any other path (the caller answers 404).
 */
export function serveWeb(root: string, req: IncomingMessage, res: ServerResponse, path: string): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  let file: string | null = null;
  if (PAGE.test(path)) file = "player.html";
  else if (path === "/host" || path === "/host/") file = "host.html";
  else if (SCREEN.test(path)) file = "screen.html";
  else if (RECORD.test(path)) file = "record.html";
  else {
    const asset = ASSET.exec(path);
    const worker = SERVICE_WORKER.exec(path);
    if (asset) file = join("assets", asset[1]);
    else if (worker) file = worker[1];
  }
  if (!file) return false;
  const target = file;
  readFile(join(root, target)).then(
    (body) => {
      const type = TYPES[target.slice(target.lastIndexOf("."))] ?? "application/octet-stream";
      res.writeHead(200, { "content-type": type, "content-length": body.length, "cache-control": fresh(target) ? "no-cache" : "public, max-age=300" });
      res.end(req.method === "HEAD" ? undefined : body);
    },
    () => {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("not built: run npm run build");
    },
  );
  return true;
}

/** Pages, and the service worker (a browser checks it for updates through the HTTP cache). */
function fresh(file: string): boolean {
  return file.endsWith(".html") || file.startsWith("push-sw.js");
}
