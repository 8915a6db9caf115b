import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BundlingOptions, LogLevel, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import type { BuildOptions } from "esbuild";

/**
 * How the Lambda handler is bundled: one minified ESM file, the same bytes whichever way it ships.
 * scripts/build.mjs (dist/lambda/index.mjs) and the packaging script for the plain CloudFormation template
 * (infra/lambda-package.ts) build from `esbuildLambdaOptions`; the CDK construct (NodejsFunction) passes the
 * same options to esbuild's command line (`nodejsBundling`). No plugin, no define, no stand-in: what is
 * bundled is each package's public entry, as its own package.json declares it.
 *
 * scripts/build.mjs imports this file directly (Node ≥ 22.18 strips the types), so it keeps to erasable
 * TypeScript and imports no relative module.
 */

/** The repository root (this file lives in infra/). */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The handler module and its export. */
export const handlerEntry = join(projectRoot, "src", "lambda", "handler.ts");
export const handlerExport = "handler";

/** The build script; `--lambda-outfile <file>` builds the Lambda bundle alone. */
export const buildScript = join(projectRoot, "scripts", "build.mjs");

/** Node's `require` inside an ESM bundle, for the CommonJS dependencies esbuild inlines. */
export const esmRequireBanner =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export const bundleTarget = "node22";

/**
 * The AWS SDK's packages ship the same code as CommonJS (`main`, what esbuild picks for Node) and as ES
 * modules (`module`) marked side-effect free; the ES modules let esbuild keep only the commands the drainer
 * sends (220 KB less in all). No other bundled package has a `module` field without `exports`, so nothing
 * else changes.
 */
export const lambdaMainFields = ["module", "main"];

/** The Lambda bundle through esbuild's API (add `outfile`). */
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
  mainFields: lambdaMainFields,
} satisfies BuildOptions;

/**
 * NodejsFunction bundling: the options above on esbuild's command line, run once, locally (never Docker):
 * everything inlined, minified ESM. test/infra/bundle.test.ts checks that the asset is byte for byte the
 * bundle of `esbuildLambdaOptions`.
 */
export const nodejsBundling: BundlingOptions = {
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: bundleTarget,
  banner: esmRequireBanner,
  minify: true,
  sourceMap: false,
  mainFields: lambdaMainFields,
  // The handler is pinned to the SDK versions in package-lock.json, not to the runtime's copy.
  bundleAwsSDK: true,
  logLevel: LogLevel.WARNING,
  esbuildArgs: { "--legal-comments": "none" },
};
