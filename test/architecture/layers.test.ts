import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

// The layers of /work/shared/ARCHITECTURE.md, read from the sources' own import statements: the engine
// knows nothing of AWS, Lambda, the CLI, the simulator or the Kubernetes adapter; the simulator is a black
// box to the drainer; the shared label selector imports nothing of the project. Type-only imports count.

const srcRoot = join(import.meta.dirname, "..", "..", "src");

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const relativeImport = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)"(\.{1,2}\/[^"]+)"/g;

interface Edge {
  /** Path under src/, e.g. `drain/evictor.ts`. */
  from: string;
  to: string;
}

function edges(): Edge[] {
  const found: Edge[] = [];
  for (const file of sourceFiles(srcRoot)) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(relativeImport)) {
      const target = normalize(join(dirname(file), (match[1] ?? "").replace(/\.js$/, ".ts")));
      found.push({ from: relative(srcRoot, file), to: relative(srcRoot, target) });
    }
  }
  return found;
}

const layerOf = (path: string) => path.split("/")[0] ?? "";

function crossings(from: string, forbidden: readonly string[]): string[] {
  return edges()
    .filter((edge) => layerOf(edge.from) === from && forbidden.includes(layerOf(edge.to)))
    .map((edge) => `${edge.from} → ${edge.to}`);
}

describe("layers", () => {
  it("finds the imports it checks", () => {
    expect(edges().filter((edge) => layerOf(edge.from) === "drain").length).toBeGreaterThan(50);
  });

  it("the engine (src/drain) imports nothing from aws, lambda, cli, sim, kube, events or lifecycle", () => {
    expect(crossings("drain", ["aws", "lambda", "cli", "sim", "kube", "events", "lifecycle"])).toEqual([]);
  });

  it("the simulator (src/sim) imports nothing of the drainer", () => {
    // The simulated Auto Scaling group implements the AWS ports (src/aws: ClusterAccess, the lifecycle
    // calls, the instance directory) and raises the events src/events parses, in process; everything
    // else of the drainer reaches the simulator over HTTPS only.
    expect(crossings("sim", ["drain", "kube", "lambda", "cli", "lifecycle"])).toEqual([]);
  });

  it.each(["labels", "time", "random"])(
    "the shared %s module imports nothing else of the project",
    (shared) => {
      expect(edges().filter((edge) => layerOf(edge.from) === shared && layerOf(edge.to) !== shared)).toEqual(
        [],
      );
    },
  );

  it("the AWS adapters (src/aws) import nothing of the engine", () => {
    expect(crossings("aws", ["drain", "lambda", "cli", "kube"])).toEqual([]);
  });

  it("no two files import each other", () => {
    const all = edges();
    const set = new Set(all.map((edge) => `${edge.from}|${edge.to}`));
    const circles = all
      .filter((edge) => edge.from < edge.to && set.has(`${edge.to}|${edge.from}`))
      .map((edge) => `${edge.from} ↔ ${edge.to}`);
    expect(circles).toEqual([]);
  });
});
