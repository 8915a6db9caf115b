import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { esbuildLambdaOptions, handlerEntry, projectRoot } from "./lambda-bundle.js";
import { createZip } from "./zip-archive.js";

/** The Lambda package for the plain CloudFormation template: dist/lambda/index.mjs, zipped. */
export interface LambdaPackage {
  readonly bundlePath: string;
  readonly zipPath: string;
  /** Hex SHA-256 of the zip; the zip is reproducible, so this names a version of the code. */
  readonly sha256: string;
  /** A suggested S3 key: a new key per code change, so a stack update picks the code up. */
  readonly suggestedKey: string;
}

export interface LambdaPackageOptions {
  /** Default dist/lambda. */
  readonly outDir?: string;
  /** Default src/lambda/handler.ts. */
  readonly entry?: string;
}

export async function buildLambdaPackage(options: LambdaPackageOptions = {}): Promise<LambdaPackage> {
  const outDir = options.outDir ?? join(projectRoot, "dist", "lambda");
  const entry = options.entry ?? handlerEntry;
  mkdirSync(outDir, { recursive: true });
  const bundlePath = join(outDir, "index.mjs");
  try {
    await build({ ...esbuildLambdaOptions, entryPoints: [entry], outfile: bundlePath });
  } catch (cause) {
    throw new Error(`bundling ${entry} into ${bundlePath}`, { cause });
  }
  const zip = createZip([{ name: "index.mjs", data: readFileSync(bundlePath) }]);
  const zipPath = join(outDir, "eks-node-drainer-lambda.zip");
  writeFileSync(zipPath, zip);
  const sha256 = createHash("sha256").update(zip).digest("hex");
  const { version } = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as {
    version: string;
  };
  return {
    bundlePath,
    zipPath,
    sha256,
    suggestedKey: `eks-node-drainer/${version}/${sha256.slice(0, 16)}.zip`,
  };
}
