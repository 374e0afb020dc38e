import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { PushConfigAnswer, WebPushSettings } from "../../shared/protocol";
import { devTokenRequestSchema, normalGameId } from "../../shared/protocol";
import type { PublicRecord } from "../domain/game-record";
import type { StoreResult } from "../ports/game-store";
import type { TokenAuthority } from "../identity/tokens";
import type { OriginPolicy } from "../identity/origins";
import { serveWeb } from "./static-files";
import type { WinnersExportDeps } from "./winners-export";
import { exportWinners, WINNERS_PATH } from "./winners-export";

export interface HttpRoutesOptions {
  /** Reports whether the store answers (for /readyz). */
  readonly ready: () => Promise<boolean>;
  /** A finished game's public record. */
  readonly record: (gameId: string) => Promise<StoreResult<PublicRecord>>;
  /** Where the built browser clients are (dist/web). */
  readonly webRoot: string;
  /** Present only when dev tokens are allowed (config.devTokens): serves POST /api/dev/token. */
  readonly devTokens?: TokenAuthority;
  /** Served by GET /api/push-config to the player app; null: web push is off. */
  readonly webPush: WebPushSettings | null;
  /** The Prometheus exposition for GET /metrics. */
  readonly metrics: () => Promise<{ contentType: string; body: string }>;
  /** Which other origins' pages may read these answers (CORS). */
  readonly origins: OriginPolicy;
  /** Serves GET /api/games/<id>/winners.csv|json to the game's host (bearer token). */
  readonly winnersExport?: WinnersExportDeps;
}

const MAX_BODY = 1024;
const RECORD_PATH = /^\/api\/games\/([A-Za-z0-9_-]{1,64})\/record$/;

/**
 * Plain HTTP beside Socket.IO: health, readiness, metrics, public records, the player app's
 * web push settings and the development token route.
 */
export function createHttpHandler(options: HttpRoutesOptions) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? "/").split("?")[0];
    const allowOrigin = options.origins.allowOrigin(req.headers.origin);
    if (allowOrigin !== null) {
      res.setHeader("access-control-allow-origin", allowOrigin);
      res.setHeader("vary", "origin");
      if (req.method === "OPTIONS") {
        res.writeHead(204, { "access-control-allow-methods": "GET, POST", "access-control-allow-headers": "content-type, authorization", "access-control-max-age": "600" });
        return void res.end();
      }
    }
    if (req.method === "GET" && path === "/healthz") return sendJson(res, 200, { ok: true });
    if (req.method === "GET" && path === "/metrics") {
      void options.metrics().then(
        ({ contentType, body }) => {
          res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" });
          res.end(body);
        },
        () => sendJson(res, 500, { error: { code: "INTERNAL", message: "metrics failed" } }),
      );
      return;
    }
    if (req.method === "GET" && path === "/readyz") {
      void options.ready().then(
        (ready) => sendJson(res, ready ? 200 : 503, { ok: ready }),
        () => sendJson(res, 503, { ok: false }),
      );
      return;
    }
    if (req.method === "GET" && path === "/api/push-config") {
      const answer: PushConfigAnswer = options.webPush ? { enabled: true, ...options.webPush } : { enabled: false };
      return sendJson(res, 200, answer);
    }
    const record = RECORD_PATH.exec(path);
    if (req.method === "GET" && record) {
      void options.record(normalGameId(record[1])).then(
        (result) => {
          if (result.ok) return sendJson(res, 200, result.value);
          const status = result.error.code === "NOT_FOUND" ? 404 : result.error.code === "WRONG_PHASE" ? 409 : 503;
          sendJson(res, status, { error: result.error });
        },
        () => sendJson(res, 500, { error: { code: "INTERNAL", message: "record failed" } }),
      );
      return;
    }
    const winners = options.winnersExport && WINNERS_PATH.exec(path);
    if (req.method === "GET" && winners && options.winnersExport) {
      void exportWinners(options.winnersExport, normalGameId(winners[1]), winners[2] as "csv" | "json", req.headers.authorization, res).catch(() => {
        if (!res.headersSent) sendJson(res, 500, { error: { code: "INTERNAL", message: "export failed" } });
      });
      return;
    }
    if (options.devTokens && path === "/api/dev/token") {
      if (req.method !== "POST") return sendJson(res, 405, { error: "use POST" });
      return issueDevToken(req, res, options.devTokens);
    }
    if (serveWeb(options.webRoot, req, res, path)) return;
    sendJson(res, 404, { error: "not found" });
  };
}

function issueDevToken(req: IncomingMessage, res: ServerResponse, tokens: TokenAuthority): void {
  let body = "";
  req.setEncoding("utf8");
  const onData = (chunk: string): void => {
    body += chunk;
    if (body.length <= MAX_BODY) return;
    // Answer now and discard the rest of the upload.
    req.off("data", onData);
    req.resume();
    res.setHeader("connection", "close");
    sendJson(res, 413, { error: { code: "BAD_REQUEST", message: `body larger than ${MAX_BODY} bytes` } });
  };
  req.on("data", onData);
  req.on("error", () => undefined);
  req.on("end", () => {
    if (res.headersSent) return;
    let json: unknown;
    try {
      json = JSON.parse(body || "{}");
    } catch {
      return sendJson(res, 400, { error: { code: "BAD_REQUEST", message: "body must be JSON" } });
    }
    const parsed = devTokenRequestSchema.safeParse(json);
    if (!parsed.success) {
      return sendJson(res, 400, { error: { code: "BAD_REQUEST", message: 'body must be { "role": "player" | "host", "sub"?: string }' } });
    }
    const sub = parsed.data.sub ?? `${parsed.data.role}-${randomUUID()}`;
    sendJson(res, 200, { token: tokens.sign({ sub, role: parsed.data.role }), sub });
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  res.end(text);
}
