import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type BundlingOptions, LogLevel, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import type { BuildOptions, Plugin } from "esbuild";

/**
 * How the Lambda handler is bundled: one minified ESM file, the same bytes whichever way it ships.
 * scripts/build.mjs (dist/lambda/index.mjs), the packaging script for the plain CloudFormation template
 * (infra/lambda-package.ts) and the CDK construct (NodejsFunction, then an afterBundling hook that runs
 * scripts/build.mjs, since the esbuild command line takes no plugins) all build from `esbuildLambdaOptions`.
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
 * undici's own switch for bundled copies (Node core bundles it with esbuild and this define): it leaves out
 * the experimental Milo HTTP parser, two WebAssembly builds never used unless enabled, 160 KB. The only other
 * effect is fetch's default User-Agent, `node` instead of `undici`.
 */
export const lambdaDefines = { esbuildDetection: "true" };

const kubernetesClientDist = /[\\/]node_modules[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/]/;
/** Kept as they are: the package's index (it imports the polyfill for its effect) and the polyfill. */
const kubernetesClientEffects = /[\\/]dist[\\/](index|polyfill)\.js$/;

/**
 * @kubernetes/client-node declares no `sideEffects`, so esbuild keeps every module its index reaches, and
 * evaluates them at load: ws, tar-fs, the exec/attach/cp/port-forward helpers (about 110 KB). Its modules'
 * top-level code only builds their own exports, except polyfill.js (a `File` global for Node 18), kept as it
 * is with the index that imports it. Whatever the drainer uses stays: esbuild drops only modules none of
 * whose exports are reached, and the model classes stay through ObjectSerializer's type map.
 */
export const sideEffectFreeKubernetesClient: Plugin = {
  name: "side-effect-free-kubernetes-client",
  setup(build) {
    // The package's own modules import each other by relative path with the file's extension (ESM).
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (!kubernetesClientDist.test(args.importer)) return undefined;
      const path = resolve(args.resolveDir, args.path);
      if (!kubernetesClientDist.test(path) || kubernetesClientEffects.test(path)) return undefined;
      return { path, sideEffects: false };
    });
  },
};

const sourceDir = join(projectRoot, "src");
const zodNamedImport = /^import \{ z \} from "zod";$/gm;

/**
 * `import { z } from "zod"` binds zod's namespace object as a value, and esbuild then keeps all of zod
 * (its 40-odd locales included, 450 KB); `import * as z from "zod"` lets it keep only what is used (about
 * 100 KB). The two are the same at run time, so the project's sources are read with the second form.
 */
export const zodNamespaceImports: Plugin = {
  name: "zod-namespace-imports",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (!args.path.startsWith(sourceDir)) return undefined;
      const text = await readFile(args.path, "utf8");
      zodNamedImport.lastIndex = 0;
      if (!zodNamedImport.test(text)) return undefined;
      return { contents: text.replace(zodNamedImport, 'import * as z from "zod";'), loader: "ts" };
    });
  },
};

const undiciEntryNamespace = "lambda-undici-entry";

/**
 * The drainer takes `Agent`, `ProxyAgent` (src/kube/pooled-kube-config.ts) and `fetch` (client-node) from
 * undici, whose index loads and evaluates all of it at start: mock agents, cache stores, WebSocket,
 * EventSource, interceptors (180 KB). This entry has those three, and dispatcher.request() & co. as undici's
 * index adds them (ProxyAgent tunnels with connect()). A name it lacks fails the build, not the Lambda.
 */
const undiciEntry = `
import Dispatcher from "./lib/dispatcher/dispatcher.js";
import api from "./lib/api/index.js";
import Agent from "./lib/dispatcher/agent.js";
import ProxyAgent from "./lib/dispatcher/proxy-agent.js";
import fetchModule from "./lib/web/fetch/index.js";
Object.assign(Dispatcher.prototype, api);
export { Agent, ProxyAgent };
export function fetch(input, init) {
  return fetchModule.fetch(input, init);
}
`;

const standInNamespace = "lambda-stand-in";
const unreachable = "the Lambda reaches clusters by EKS endpoint, CA and token only";

/**
 * Packages client-node imports for kubeconfig files, auth providers and proxies, none of which the Lambda
 * can reach (it connects by EKS endpoint, CA and token): each becomes a stand-in that says so if called.
 * bowser parses browser user agents for the SDK, whose caller falls back when `parse` is missing. 180 KB
 * in all. A named import a stand-in lacks fails the build; test/bundle loads the bundle and drains through it.
 */
const standIns: Record<string, string> = {
  "js-yaml":
    "export const load = unavailable; export const loadAll = unavailable; export const dump = unavailable;",
  "jsonpath-plus": "export const JSONPath = unavailable;",
  "openid-client":
    "export const discovery = unavailable; export const refreshTokenGrant = unavailable; export const customFetch = Symbol('customFetch');",
  socks: "export class SocksClient { static createConnection() { unavailable(); } }",
  "socks-proxy-agent": "export class SocksProxyAgent { constructor() { unavailable(); } }",
  hpagent:
    "export class HttpProxyAgent { constructor() { unavailable(); } } export class HttpsProxyAgent { constructor() { unavailable(); } }",
  bowser: "export default {};",
};

function standInSource(name: string, exports: string): string {
  const message = `${name} is left out of the Lambda bundle: ${unreachable}`;
  return `function unavailable() { throw new Error(${JSON.stringify(message)}); }\n${exports}\n`;
}

/** The narrow undici entry and the stand-ins above; the CLI bundle keeps the packages whole. */
export const lambdaTrims: Plugin = {
  name: "lambda-trims",
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, async (args) => {
      // The copy of undici this importer would get, so that two copies never merge into one.
      const manifest = await build.resolve("undici/package.json", {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
      });
      if (manifest.errors.length > 0) return { errors: manifest.errors };
      return { path: dirname(manifest.path), namespace: undiciEntryNamespace };
    });
    build.onLoad({ filter: /.*/, namespace: undiciEntryNamespace }, (args) => ({
      contents: undiciEntry,
      loader: "js",
      resolveDir: args.path,
    }));
    const names = Object.keys(standIns).map((name) => name.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&"));
    build.onResolve({ filter: new RegExp(`^(?:${names.join("|")})$`) }, (args) => ({
      path: args.path,
      namespace: standInNamespace,
    }));
    build.onLoad({ filter: /.*/, namespace: standInNamespace }, (args) => ({
      contents: standInSource(args.path, standIns[args.path] ?? ""),
      loader: "js",
    }));
  },
};

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
  define: lambdaDefines,
  mainFields: lambdaMainFields,
  plugins: [sideEffectFreeKubernetesClient, zodNamespaceImports, lambdaTrims],
} satisfies BuildOptions;

/** A shell word for the bundling command line. */
function quoted(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * NodejsFunction bundling: local esbuild only (never Docker), everything inlined, minified ESM; then
 * scripts/build.mjs writes the bundle again over it with the plugins above, so that the asset is byte for
 * byte the bundle of `esbuildLambdaOptions`. It runs under the Node that runs the synth.
 */
export const nodejsBundling: BundlingOptions = {
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: bundleTarget,
  banner: esmRequireBanner,
  minify: true,
  sourceMap: false,
  define: lambdaDefines,
  mainFields: lambdaMainFields,
  // The handler is pinned to the SDK versions in package-lock.json, not to the runtime's copy.
  bundleAwsSDK: true,
  logLevel: LogLevel.WARNING,
  esbuildArgs: { "--legal-comments": "none" },
  commandHooks: {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir: string, outputDir: string) => [
      [process.execPath, buildScript, "--lambda-outfile", join(outputDir, "index.mjs")].map(quoted).join(" "),
    ],
  },
};
