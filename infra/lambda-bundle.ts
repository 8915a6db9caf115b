import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BundlingOptions, LogLevel, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import type { BuildOptions } from "esbuild";

/**
 * How the Lambda handler is bundled. The CDK construct (NodejsFunction, local esbuild) and the packaging
 * script for the plain CloudFormation template both read these, and they match scripts/build.mjs, so every
 * way of shipping the handler produces the same single ESM file.
 */

/** The repository root (this file lives in infra/). */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The handler module and its export. */
export const handlerEntry = join(projectRoot, "src", "lambda", "handler.ts");
export const handlerExport = "handler";

/** Node's `require` inside an ESM bundle, for the CommonJS dependencies esbuild inlines. */
export const esmRequireBanner =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export const bundleTarget = "node22";

/** NodejsFunction bundling: local esbuild only (never Docker), everything inlined, minified ESM. */
export const nodejsBundling: BundlingOptions = {
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: bundleTarget,
  banner: esmRequireBanner,
  minify: true,
  sourceMap: false,
  // The handler is pinned to the SDK versions in package-lock.json, not to the runtime's copy.
  bundleAwsSDK: true,
  logLevel: LogLevel.WARNING,
  esbuildArgs: { "--legal-comments": "none" },
};

/** The same bundle through esbuild's API, as scripts/build.mjs builds dist/lambda/index.mjs. */
export const esbuildLambdaOptions = {
  entryPoints: [handlerEntry],
  bundle: true,
  platform: "node",
  target: bundleTarget,
  format: "esm",
  banner: { js: esmRequireBanner },
  legalComments: "none",
  logLevel: "warning",
  minify: true,
} satisfies BuildOptions;
