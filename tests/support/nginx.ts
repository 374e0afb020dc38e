import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./redis-server";

/** The shipped nginx configuration (deploy/compose.yml uses the same file). */
export const NGINX_TEMPLATE = join(__dirname, "..", "..", "deploy", "nginx", "bingo.conf.template");

/** Debian's package puts it in /usr/sbin, which a non-root PATH often lacks. */
const NGINX_PATH = process.env.NGINX_PATH ?? "/usr/sbin/nginx";

/** One line of the shipped `bingo_json` access log. */
export interface AccessLogLine {
  readonly remote: string;
  readonly request: string;
  readonly status: number;
  readonly upstream: string;
}

export interface TestNginx {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Resolves with the first access-log line (already written or still to come) that `accept` takes. */
  logLine(accept: (line: AccessLogLine) => boolean): Promise<AccessLogLine>;
  stop(): Promise<void>;
}

/**
 * Fills the template's `${NAME}` placeholders the way envsubst does for the variables it
 * is given, and fails if a `${BINGO_…}` placeholder is left (a variable the caller forgot).
 */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  const text = template.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => vars[name] ?? whole);
  const left = /\$\{BINGO_[A-Z0-9_]+\}/.exec(text);
  if (left) throw new Error(`nginx template: no value for ${left[0]}`);
  return text;
}

/**
 * A private nginx (not the system service) in front of `upstreams` ("host:port" each),
 * running the shipped configuration on a free loopback port. Everything it writes (pid,
 * temp files, the access log this reads) stays in its own temp dir; its error log goes
 * to stderr.
 */
export async function startNginx(upstreams: readonly string[]): Promise<TestNginx> {
  for (let attempt = 0; ; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), "bingo-nginx-"));
    try {
      return await launch(dir, upstreams, await freePort());
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      // Another process may take the free port before nginx binds it.
      if (attempt >= 4 || !/Address already in use/.test(String(error))) throw error;
    }
  }
}

/** Writes the main configuration around the rendered template; returns its path and the access log's. */
function writeConfig(dir: string, upstreams: readonly string[], port: number): { conf: string; accessLog: string } {
  // Run as root, nginx's workers switch to an unprivileged user that must reach the temp paths.
  chmodSync(dir, 0o755);
  const path = (name: string) => join(dir, name);
  // A file, not /dev/stdout: Node's stdio pipes are sockets, which nginx cannot open() by path.
  const accessLog = path("access.log");
  writeFileSync(accessLog, "");
  const site = renderTemplate(readFileSync(NGINX_TEMPLATE, "utf8"), {
    BINGO_LISTEN: `127.0.0.1:${port}`,
    BINGO_UPSTREAM_SERVERS: upstreams.map((address) => `server ${address};`).join(" "),
    BINGO_ACCESS_LOG: accessLog,
  });
  writeFileSync(path("bingo.conf"), site);
  const main = [
    "daemon off;",
    "worker_processes 1;",
    `pid ${path("nginx.pid")};`,
    // notice: the master logs "start worker process", the sign that it listens.
    "error_log stderr notice;",
    "events { worker_connections 1024; }",
    "http {",
    `  client_body_temp_path ${path("client-body")};`,
    `  proxy_temp_path ${path("proxy")};`,
    `  fastcgi_temp_path ${path("fastcgi")};`,
    `  uwsgi_temp_path ${path("uwsgi")};`,
    `  scgi_temp_path ${path("scgi")};`,
    `  include ${path("bingo.conf")};`,
    "}",
    "",
  ];
  writeFileSync(path("nginx.conf"), main.join("\n"));
  return { conf: path("nginx.conf"), accessLog };
}

/** Follows the access log as nginx appends to it (nginx writes each line whole). */
function followLog(file: string) {
  const lines: AccessLogLine[] = [];
  const waiting = new Set<{ accept: (line: AccessLogLine) => boolean; resolve: (line: AccessLogLine) => void }>();
  let offset = 0;
  let partial = "";
  const read = (): void => {
    const data = readFileSync(file);
    const text = partial + data.subarray(offset).toString("utf8");
    offset = data.length;
    const complete = text.split("\n");
    partial = complete.pop() ?? "";
    for (const raw of complete) {
      if (!raw.trim()) continue;
      const line = JSON.parse(raw) as AccessLogLine;
      lines.push(line);
      for (const waiter of waiting) {
        if (!waiter.accept(line)) continue;
        waiting.delete(waiter);
        waiter.resolve(line);
      }
    }
  };
  // Every append fires a change event, and each read takes everything up to the end.
  const watcher = watch(file, () => read());
  return {
    line(accept: (line: AccessLogLine) => boolean): Promise<AccessLogLine> {
      read();
      const seen = lines.find(accept);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiting.add({ accept, resolve }));
    },
    close: () => watcher.close(),
  };
}

function launch(dir: string, upstreams: readonly string[], port: number): Promise<TestNginx> {
  const { conf, accessLog } = writeConfig(dir, upstreams, port);
  // -e: the error log before the configuration is read (the default path needs root).
  const child = spawn(NGINX_PATH, ["-p", dir, "-c", conf, "-e", "stderr"], { stdio: ["ignore", "ignore", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const log = followLog(accessLog);

  const stop = async (): Promise<void> => {
    // Fast shutdown: open WebSockets would hold a graceful one (SIGQUIT) indefinitely.
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    log.close();
    rmSync(dir, { recursive: true, force: true });
  };

  return new Promise((resolve, reject) => {
    let errors = "";
    const onError = (chunk: string): void => {
      errors += chunk;
      if (!/start worker process/.test(errors)) return;
      child.stderr.off("data", onError);
      child.stderr.resume();
      resolve({ url: `http://127.0.0.1:${port}`, logLine: (accept) => log.line(accept), stop });
    };
    child.stderr.setEncoding("utf8").on("data", onError);
    child.once("error", (error) => reject(new Error(`cannot start nginx at ${NGINX_PATH} (set NGINX_PATH): ${error.message}`)));
    child.once("exit", (code) => {
      log.close();
      reject(new Error(`nginx exited (${code}) before it listened:\n${errors.slice(-2000)}`));
    });
  });
}
