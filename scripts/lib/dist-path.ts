import { join, sep } from "node:path";

const ROOT = join(__dirname, "..", "..");
/** The repository root, whether this runs compiled (dist/scripts/lib) or from source (ts-jest). */
const REPO = __dirname.includes(`${sep}dist${sep}`) ? join(ROOT, "..") : ROOT;

/** A file of the build (`npm run build`), e.g. distPath("server", "main.js"). */
export function distPath(...segments: string[]): string {
  return join(REPO, "dist", ...segments);
}
