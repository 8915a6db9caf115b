import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE_NAME = "eks-node-drainer";

/**
 * The directory of this package (its package.json names it eks-node-drainer), looked for upwards from
 * each start in turn: the running script's directory (src/cli or dist), then the working directory.
 */
export function findPackageRoot(starts: readonly string[]): string | undefined {
  for (const start of starts) {
    let directory = resolve(start);
    for (;;) {
      if (isPackageRoot(directory)) return directory;
      const parent = dirname(directory);
      if (parent === directory) break;
      directory = parent;
    }
  }
  return undefined;
}

function isPackageRoot(directory: string): boolean {
  const file = join(directory, "package.json");
  if (!existsSync(file)) return false;
  try {
    const manifest: unknown = JSON.parse(readFileSync(file, "utf8"));
    return (manifest as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** scenarios/default.yaml of the package, found from this module's location or the working directory. */
export function defaultScenarioPath(moduleUrl: string, cwd: string): string | undefined {
  const root = findPackageRoot([dirname(fileURLToPath(moduleUrl)), cwd]);
  return root === undefined ? undefined : join(root, "scenarios", "default.yaml");
}

/** The version in this package's package.json, found from this module's location or the working directory. */
export function packageVersion(moduleUrl: string, cwd: string): string {
  const root = findPackageRoot([dirname(fileURLToPath(moduleUrl)), cwd]);
  if (root === undefined) return "unknown";
  const manifest: unknown = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const version = (manifest as { version?: unknown }).version;
  return typeof version === "string" ? version : "unknown";
}
