import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** A directory of this test run, shared by its test files (the CLI is bundled into it once). */
    runDirectory: string;
  }
}

/** Once per `vitest run`: a directory the test files share, removed at the end. */
export default function setup(project: TestProject): () => void {
  const directory = mkdtempSync(join(tmpdir(), "eks-node-drainer-test-run-"));
  project.provide("runDirectory", directory);
  return () => rmSync(directory, { recursive: true, force: true });
}
