import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/**
 * No folder of server/ imports (even a type from) a folder that imports it back, directly or
 * through others: dependencies point inward (docs/architecture.md). Files at server/'s top
 * (app.ts, config.ts, main.ts: the composition root) belong to no folder and are left out.
 */

const SERVER = resolve(__dirname, "../../server");

/** Cycles allowed for now: none. A cycle found fails the test. */
const KNOWN_CYCLES: readonly string[] = [];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The top-level folder of server/ a path lies in, or null for server/'s own files and paths outside it. */
function folderOf(path: string): string | null {
  const parts = relative(SERVER, path).split(sep);
  return parts.length > 1 && parts[0] !== ".." ? parts[0] : null;
}

/** Folder → the folders its files import from (relative specifiers: import, export … from, import()). */
export function folderImports(files: readonly string[], read: (file: string) => string): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  const specifier = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;
  for (const file of files) {
    const from = folderOf(file);
    if (from === null) continue;
    if (!edges.has(from)) edges.set(from, new Set());
    for (const match of read(file).matchAll(specifier)) {
      const to = folderOf(resolve(dirname(file), match[1]));
      if (to !== null && to !== from) edges.get(from)!.add(to);
    }
  }
  return edges;
}

/** The strongly connected groups of more than one folder (Tarjan), each named "a ⇄ b ⇄ …" in sorted order. */
export function folderCycles(edges: Map<string, Set<string>>): string[] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];
  const visit = (folder: string): void => {
    index.set(folder, next);
    low.set(folder, next++);
    stack.push(folder);
    onStack.add(folder);
    for (const to of edges.get(folder) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(folder, Math.min(low.get(folder)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(folder, Math.min(low.get(folder)!, index.get(to)!));
    }
    if (low.get(folder) !== index.get(folder)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== folder);
    if (group.length > 1) cycles.push(group.sort().join(" ⇄ "));
  };
  for (const folder of [...edges.keys()].sort()) if (!index.has(folder)) visit(folder);
  return cycles.sort();
}

test("no folder of server/ imports a folder that imports it back (apart from the listed known cycles)", () => {
  const edges = folderImports(sourceFiles(SERVER), (file) => readFileSync(file, "utf8"));
  expect(edges.size).toBeGreaterThan(5);
  const unexpected = folderCycles(edges).filter((cycle) => !KNOWN_CYCLES.includes(cycle));
  expect(unexpected).toEqual([]);
});

test("identity is an edge module: neither http nor transport imports the other", () => {
  const edges = folderImports(sourceFiles(SERVER), (file) => readFileSync(file, "utf8"));
  expect(edges.get("http")?.has("transport")).toBe(false);
  expect(edges.get("transport")?.has("http")).toBe(false);
  expect(edges.get("identity")?.has("http")).toBe(false);
  expect(edges.get("identity")?.has("transport")).toBe(false);
});

test("the check sees a cycle through a type-only import and through a third folder", () => {
  const files: Record<string, string> = {
    [join(SERVER, "a/one.ts")]: 'import type { B } from "../b/two";',
    [join(SERVER, "b/two.ts")]: 'export { C } from "../c/three";',
    [join(SERVER, "c/three.ts")]: 'import { A } from "../a/one";\nconst lazy = () => import("../d/four");',
    [join(SERVER, "d/four.ts")]: 'import { x } from "../../shared/protocol";',
  };
  const edges = folderImports(Object.keys(files), (file) => files[file]);
  expect(folderCycles(edges)).toEqual(["a ⇄ b ⇄ c"]);
});

/**
 * server/domain is the pure core: plain functions and values. A module-level cache there is
 * shared by every game of a node (one game's work evicts another's, and tests see each other's
 * state); per-game state belongs to the game's rules (server/game/game-rules.ts).
 */
test("server/domain (and the shared/game code it re-exports) keeps no module state and does no I/O", () => {
  const domain = [...sourceFiles(join(SERVER, "domain")), ...sourceFiles(resolve(SERVER, "../shared/game"))];
  expect(domain.length).toBeGreaterThan(5);
  const found: string[] = [];
  for (const file of domain) {
    const name = relative(SERVER, file);
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/^(?:export\s+)?(?:let|var)\s+(\w+)/gm)) found.push(`${name}: module-level ${match[0]}`);
    // A collection typed Readonly… (ReadonlySet, ReadonlyMap) is a constant, not state.
    for (const match of source.matchAll(/^(?:export\s+)?const\s+(\w+)([^=\n]*)=\s*new\s+(Map|Set|WeakMap|Array)\b/gm)) {
      if (!/:\s*Readonly/.test(match[2])) found.push(`${name}: module-level mutable ${match[1]}`);
    }
    for (const match of source.matchAll(/\bfrom\s+["']([^"']+)["']/g)) {
      const spec = match[1];
      const inward = spec.startsWith("./") || spec.startsWith("../../shared/") || spec.startsWith("../protocol") || spec === "node:crypto" || spec.startsWith("@noble/hashes/");
      if (!inward) found.push(`${name}: imports ${spec}`);
    }
  }
  expect(found).toEqual([]);
});
