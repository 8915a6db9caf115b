import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { defaultScenarioPath, findPackageRoot } from "../../src/cli/package-root.js";
import { repoRoot } from "./support/built-cli.js";

describe("the package root", () => {
  it("is found upwards from the running script (dist/cli.js or src/cli/main.ts)", () => {
    expect(findPackageRoot([join(repoRoot, "dist")])).toBe(repoRoot);
    expect(defaultScenarioPath(pathToFileURL(join(repoRoot, "dist", "cli.js")).href, "/")).toBe(
      join(repoRoot, "scenarios", "default.yaml"),
    );
  });

  it("falls back to the working directory, and skips other packages", () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "eks-node-drainer-root-"));
    mkdirSync(join(elsewhere, "lib"));
    writeFileSync(join(elsewhere, "package.json"), JSON.stringify({ name: "some-other-package" }));
    expect(findPackageRoot([join(elsewhere, "lib"), repoRoot])).toBe(repoRoot);
    expect(findPackageRoot([join(elsewhere, "lib")])).toBeUndefined();
    rmSync(elsewhere, { recursive: true, force: true });
  });
});
