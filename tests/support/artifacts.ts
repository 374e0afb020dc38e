import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Writes a figure a test measured to test-artifacts/ (ignored by git) for people to read. */
export function writeArtifact(name: string, data: unknown): void {
  const dir = join(__dirname, "..", "..", "test-artifacts");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `${JSON.stringify(data, null, 2)}\n`);
}
