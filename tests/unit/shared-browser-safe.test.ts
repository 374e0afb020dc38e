import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/**
 * shared/ runs in the browser too (the record page verifies a game with
 * shared/game/verify-record.ts): nothing in it imports a Node built-in or server/, so the
 * dependencies point inward (server imports shared, never the reverse) and esbuild can
 * bundle it for the pages.
 */

const ROOT = resolve(__dirname, "../..");
const SHARED = join(ROOT, "shared");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g;

test("no file of shared/ imports a Node built-in or anything under server/", () => {
  const offending: string[] = [];
  for (const file of sourceFiles(SHARED)) {
    for (const [, spec] of readFileSync(file, "utf8").matchAll(SPECIFIER)) {
      const nodeBuiltin = spec.startsWith("node:") || ["crypto", "fs", "buffer", "path", "os"].includes(spec);
      const intoServer = spec.startsWith(".") && relative(ROOT, resolve(dirname(file), spec)).split(sep)[0] === "server";
      if (nodeBuiltin || intoServer) offending.push(`${relative(ROOT, file)} imports ${spec}`);
    }
  }
  expect(offending).toEqual([]);
});

test("the verifier's own files use no Buffer (absent in browsers)", () => {
  for (const name of ["verify-record", "record-calls", "cards", "completion", "fair-random", "hmac-sha256", "prize-split", "patterns"]) {
    const code = readFileSync(join(SHARED, "game", `${name}.ts`), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    expect([name, /\bBuffer\b/.test(code)]).toEqual([name, false]);
  }
});

/** The modules `file` loads at run time (type-only imports are erased), resolved to files of the repo or left as package names. */
function runtimeImports(file: string): string[] {
  const code = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
  const specs = [...code.matchAll(/\bimport\s+(?!type\b)[^;]*?\bfrom\s+["']([^"']+)["']|\bexport\s+(?!type\b)[^;]*?\bfrom\s+["']([^"']+)["']/g)].map((m) => m[1] ?? m[2]);
  return specs.map((spec) => {
    if (!spec.startsWith(".")) return spec;
    const path = resolve(dirname(file), spec);
    return existsSync(`${path}.ts`) ? `${path}.ts` : join(path, "index.ts");
  });
}

test("the client SDK loads no zod: a page's bundle carries the SDK without the server's schemas", () => {
  const seen = new Set<string>();
  const queue = [join(SHARED, "client", "bingo-client.ts")];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.endsWith(".ts")) queue.push(...runtimeImports(file));
  }
  expect([...seen].filter((module) => module === "zod" || module.startsWith("zod/"))).toEqual([]);
  // The walk itself works: it reaches the SDK's runtime imports.
  expect(seen).toContain(join(SHARED, "protocol", "limits.ts"));
  expect(seen).toContain("socket.io-client");
});
