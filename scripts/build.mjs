// Bundles the two entry points: the CLI (dist/cli.js) and the Lambda handler (dist/lambda/index.mjs).
import { build } from "esbuild";

const banner = {
  js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
};

const common = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  banner,
  legalComments: "none",
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/cli.js",
  sourcemap: "linked",
});

await build({
  ...common,
  entryPoints: ["src/lambda/handler.ts"],
  outfile: "dist/lambda/index.mjs",
  minify: true,
  metafile: false,
});
