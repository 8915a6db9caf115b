import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildScript, projectRoot } from "../../../infra/lambda-bundle.js";
import { loadEventFixture } from "../../fixtures/events/catalog.js";
import { closedPortUrl } from "../../support/fake-aws.js";
import { type BuiltBundle, buildBundle, packageReport } from "./support/bundle-build.js";
import { invokeBundle, node22 } from "./support/bundle-process.js";

// The Lambda bundle as it ships: built into a temporary directory (dist/ is left alone), then imported and
// invoked in fresh Node 22 processes, as a cold start would.

/** The package's size budget (the bench's target, 4 MiB): a build property, checked on every build. */
const maxBundleBytes = 4 * 1024 * 1024;

const workDir = mkdtempSync(join(tmpdir(), "eks-node-drainer-lambda-bundle-"));
let bundle: BuiltBundle;

beforeAll(async () => {
  bundle = await buildBundle(workDir);
}, 120_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** An environment with fake credentials whose every AWS endpoint refuses connections: no network at all. */
async function offlineEnvironment(): Promise<Record<string, string>> {
  return {
    AWS_REGION: "us-west-2",
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/EXAMPLEKEY",
    AWS_ENDPOINT_URL: await closedPortUrl(),
    AWS_EC2_METADATA_DISABLED: "true",
    CLUSTER_NAME: "prod",
  };
}

function runScript(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(node22, [buildScript, ...args], {
      cwd: projectRoot,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("the Lambda bundle", () => {
  it(`is one file of at most ${maxBundleBytes.toLocaleString("en")} bytes`, () => {
    expect(bundle.bytes, `largest packages:\n${packageReport(bundle)}`).toBeLessThanOrEqual(maxBundleBytes);
  });

  it("builds without warnings", () => {
    expect(bundle.warnings).toEqual([]);
  });

  it.each([
    ["the EC2 SDK client", /node_modules\/@aws-sdk\/client-ec2\//],
    [
      "the AWS SDK's CommonJS builds (its ES modules shake)",
      /node_modules\/@(aws-sdk|smithy)\/[^/]+\/dist-cjs\//,
    ],
    ["zod's locales other than English", /node_modules\/zod\/v4\/locales\/(?!en\.js|index\.js)/],
  ])("leaves out %s", (_what, pattern) => {
    expect(bundle.inputs.filter((input) => pattern.test(input))).toEqual([]);
  });

  it("bundles each package through its public entry: no stand-ins, no private entry of its own", () => {
    // Every package is reached through the entry its package.json declares: undici's index, and all that
    // client-node's index imports (ws for exec, the kubeconfig and auth-provider packages), whole.
    for (const entry of [
      /node_modules\/undici\/index\.js$/,
      /node_modules\/ws\//,
      /node_modules\/js-yaml\//,
      /node_modules\/openid-client\//,
    ]) {
      expect(
        bundle.inputs.some((input) => entry.test(input)),
        String(entry),
      ).toBe(true);
    }
  });

  it("keeps what a drain runs on: client-node's typed APIs and models, undici's agents and fetch", () => {
    for (const needed of [
      /client-node\/dist\/gen\/apis\/CoreV1Api\.js$/,
      /client-node\/dist\/gen\/models\/ObjectSerializer\.js$/,
      /client-node\/dist\/gen\/models\/V1Pod\.js$/,
      /client-node\/dist\/polyfill\.js$/,
      /undici\/lib\/dispatcher\/agent\.js$/,
      /undici\/lib\/dispatcher\/proxy-agent\.js$/,
      /undici\/lib\/web\/fetch\/index\.js$/,
    ]) {
      expect(
        bundle.inputs.some((input) => needed.test(input)),
        String(needed),
      ).toBe(true);
    }
  });

  it("is byte for byte what scripts/build.mjs writes", async () => {
    const scriptDir = join(workDir, "script");
    mkdirSync(scriptDir);
    const outfile = join(scriptDir, "index.mjs");
    const run = await runScript(["--lambda-outfile", outfile]);
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(readFileSync(outfile).equals(readFileSync(bundle.path))).toBe(true);
  }, 120_000);

  it("loads in a fresh Node 22 process and acknowledges a test notification without calling AWS", async () => {
    const run = await invokeBundle(
      bundle.path,
      loadEventFixture("sqs-test-notification.json"),
      await offlineEnvironment(),
    );

    expect(run.exports).toEqual(["createHandler", "handler"]);
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({ batchItemFailures: [] });
    expect(run.logs).toEqual([
      expect.objectContaining({ level: "INFO", message: "notice ignored", service: "eks-node-drainer" }),
    ]);
  }, 120_000);

  it("fails a malformed direct invocation with a non-retryable error naming the field", async () => {
    const run = await invokeBundle(
      bundle.path,
      loadEventFixture("malformed-eventbridge-missing-token.json"),
      await offlineEnvironment(),
    );

    expect(run.result).toBeUndefined();
    expect(run.error).toMatchObject({ name: "EventError", retryable: false });
    expect(run.error?.message).toContain("detail.LifecycleActionToken");
  }, 120_000);
});
