import { statSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { esbuildLambdaOptions } from "../../../../infra/lambda-bundle.js";

export interface BuiltBundle {
  path: string;
  bytes: number;
  /** esbuild's warnings, as text. */
  warnings: string[];
  /** Bytes of output per package (`@kubernetes/client-node`, `src/aws`, ...), largest first. */
  packages: [string, number][];
  /** Every input file that contributed output. */
  inputs: string[];
}

/** Builds the Lambda bundle, with the options every way of shipping it uses, into `outDir`. */
export async function buildBundle(outDir: string): Promise<BuiltBundle> {
  const path = join(outDir, "index.mjs");
  const result = await build({ ...esbuildLambdaOptions, outfile: path, metafile: true, logLevel: "silent" });
  const output = Object.values(result.metafile.outputs)[0];
  if (output === undefined) throw new Error("esbuild wrote no output");
  const packages = new Map<string, number>();
  const inputs: string[] = [];
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (bytesInOutput === 0) continue;
    inputs.push(input);
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const name = match?.[1] ?? input.split("/").slice(0, 2).join("/");
    packages.set(name, (packages.get(name) ?? 0) + bytesInOutput);
  }
  return {
    path,
    bytes: statSync(path).size,
    warnings: result.warnings.map((warning) => `${warning.location?.file ?? ""}: ${warning.text}`),
    packages: [...packages].sort((a, b) => b[1] - a[1]),
    inputs,
  };
}

/** `1,118 KB @kubernetes/client-node` lines of the largest packages, for failure messages. */
export function packageReport(bundle: BuiltBundle, top = 12): string {
  return bundle.packages
    .slice(0, top)
    .map(([name, bytes]) => `${Math.round(bytes / 1024).toLocaleString("en")} KB ${name}`)
    .join("\n");
}
