import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { esbuildLambdaOptions, nodejsBundling, projectRoot } from "../../infra/lambda-bundle.js";

// The build reaches other packages only through what they publish: no private module paths, no source
// text rewritten, no side-effect declarations made for them, no stand-ins. An upgrade of undici,
// client-node or the AWS SDK is then a build like any other.

const roots = ["src", "infra", "scripts", "bench", "test"];

function sourceFiles(directory: string): string[] {
  return readdirSync(join(projectRoot, directory), { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(path);
    return /\.(ts|mts|mjs|js)$/.test(entry.name) ? [path] : [];
  });
}

const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"'\n]+)["']/g;

/** Every bare module specifier with a subpath (`pkg/sub`, `@scope/pkg/sub`), with the file it is in. */
function subpathImports(): { file: string; name: string; subpath: string }[] {
  const found: { file: string; name: string; subpath: string }[] = [];
  for (const file of roots.flatMap(sourceFiles)) {
    const text = readFileSync(join(projectRoot, file), "utf8");
    for (const match of text.matchAll(specifier)) {
      const module = match[1] ?? "";
      if (module.startsWith(".") || module.startsWith("node:") || module.startsWith("/")) continue;
      const parts = module.split("/");
      const nameLength = module.startsWith("@") ? 2 : 1;
      if (parts.length <= nameLength) continue;
      found.push({
        file,
        name: parts.slice(0, nameLength).join("/"),
        subpath: `./${parts.slice(nameLength).join("/")}`,
      });
    }
  }
  return found;
}

/** Whether a package's `exports` map publishes `subpath` (exact keys and `*` patterns). */
function published(name: string, subpath: string): boolean {
  const manifest = JSON.parse(
    readFileSync(join(projectRoot, "node_modules", name, "package.json"), "utf8"),
  ) as {
    exports?: unknown;
  };
  if (manifest.exports === undefined || typeof manifest.exports !== "object" || manifest.exports === null) {
    // No exports map: every file is reachable, but lib/, dist/ and internal/ are still the package's insides.
    return !/^\.\/(lib|dist|dist-[a-z]+|internal)\//.test(subpath);
  }
  return Object.keys(manifest.exports).some((key) => {
    if (!key.includes("*")) return key === subpath;
    const [prefix = "", suffix = ""] = key.split("*");
    return subpath.startsWith(prefix) && subpath.endsWith(suffix);
  });
}

describe("the build and the sources", () => {
  it("import other packages only through the entries their package.json publishes", () => {
    const imports = subpathImports();
    expect(imports.length).toBeGreaterThan(0);
    const unpublished = imports
      .filter(({ name, subpath }) => !published(name, subpath))
      .map(({ file, name, subpath }) => `${relative(".", file)}: ${name}/${subpath.slice(2)}`);
    expect(unpublished).toEqual([]);
  });

  it("bundle the Lambda with esbuild's own options only: no plugin, no define", () => {
    expect(Object.keys(esbuildLambdaOptions)).not.toContain("plugins");
    expect(Object.keys(esbuildLambdaOptions)).not.toContain("define");
    expect(nodejsBundling.define).toBeUndefined();
    expect(nodejsBundling.commandHooks).toBeUndefined();
  });

  it.each([
    "scripts/build.mjs",
    "infra/lambda-bundle.ts",
    "infra/lambda-package.ts",
    "bench/worker-launch.ts",
  ])("%s rewrites no source text and declares nothing for other packages", (file) => {
    const text = readFileSync(join(projectRoot, file), "utf8");
    for (const hook of ["onLoad(", "onResolve(", "plugins:", "define:", "sideEffects"]) {
      expect(text.includes(hook), `${file} uses ${hook}`).toBe(false);
    }
  });
});
