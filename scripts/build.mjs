// Bundles the two entry points: the CLI (dist/cli.js, with its commands' code in dist/chunks/) and the
// Lambda handler (dist/lambda/index.mjs).
// `node scripts/build.mjs --lambda-outfile <file>` builds the Lambda bundle alone, to <file> (the CDK
// construct's bundling runs this). The Lambda's options live in infra/lambda-bundle.ts, shared with the
// CDK asset and the packaged zip; Node ≥ 22.18 imports that TypeScript file as it is.
import { parseArgs } from "node:util";
import { build } from "esbuild";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `scripts/build.mjs needs Node >= 22.18 (it imports infra/lambda-bundle.ts), this is ${process.version}: ` +
      "run it through npm (npm run build), which puts the project's Node 22 first on the PATH",
  );
  process.exit(1);
}
const { esbuildLambdaOptions, esmRequireBanner, lambdaMainFields } = await import(
  "../infra/lambda-bundle.ts"
);

const { values } = parseArgs({ options: { "lambda-outfile": { type: "string" } } });

const lambdaOutfile = values["lambda-outfile"];
if (lambdaOutfile !== undefined) {
  await build({ ...esbuildLambdaOptions, outfile: lambdaOutfile });
} else {
  await build({
    entryPoints: { cli: "src/cli/main.ts" },
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    banner: { js: esmRequireBanner },
    legalComments: "none",
    logLevel: "warning",
    outdir: "dist",
    // Each command's code is a chunk of its own, loaded when the command runs: `drain` does not parse
    // the simulator, the report renderer or the queue worker.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    minify: true,
    mainFields: lambdaMainFields,
    sourcemap: "linked",
  });
  await build({ ...esbuildLambdaOptions, outfile: "dist/lambda/index.mjs" });
}
