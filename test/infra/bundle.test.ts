import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { esmRequireBanner } from "../../infra/lambda-bundle.js";
import { buildLambdaPackage, type LambdaPackage } from "../../infra/lambda-package.js";
import { NodeDrainer } from "../../infra/node-drainer.js";

// Bundles the real handler (src/lambda/handler.ts) twice: as the CDK construct does (NodejsFunction,
// local esbuild) and as infra/package-lambda.ts does for the plain template.
const workDir = mkdtempSync(join(tmpdir(), "eks-node-drainer-bundle-"));
let cdkBundle: Buffer;
let template: Template;
let lambdaPackage: LambdaPackage;

beforeAll(async () => {
  const app = new App({ outdir: join(workDir, "cdk.out") });
  const stack = new Stack(app, "Drainer");
  new NodeDrainer(stack, "NodeDrainer", { clusterName: "prod", autoScalingGroups: ["ng-a"] });
  app.synth();
  template = Template.fromStack(stack);
  const assetDir = readdirSync(join(workDir, "cdk.out")).find((name) => name.startsWith("asset."));
  if (!assetDir) throw new Error("the synth produced no asset");
  expect(readdirSync(join(workDir, "cdk.out", assetDir))).toEqual(["index.mjs"]);
  cdkBundle = readFileSync(join(workDir, "cdk.out", assetDir, "index.mjs"));
  lambdaPackage = await buildLambdaPackage({ outDir: join(workDir, "package") });
}, 180_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe("the bundled handler", () => {
  it("is one minified ESM file that can require() its CommonJS dependencies", () => {
    const text = cdkBundle.toString("utf8");
    expect(text.startsWith(esmRequireBanner)).toBe(true);
    expect(text).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{[^}]*\bhandler\b[^}]*\}/);
    // Minified: far fewer lines than bytes would give unminified (multi-line template strings remain).
    expect(text.split("\n").length).toBeLessThan(text.length / 5_000);
  });

  it("deploys as index.handler on Node.js 22 from a CDK asset", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Handler: "index.handler",
      Runtime: "nodejs22.x",
    });
  });

  it("is byte for byte the package built for the plain template", () => {
    expect(readFileSync(lambdaPackage.bundlePath).equals(cdkBundle)).toBe(true);
  });

  it("is zipped as index.mjs under a key naming its content", () => {
    const zip = readFileSync(lambdaPackage.zipPath);
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    expect(zip.toString("utf8", 30, 30 + zip.readUInt16LE(26))).toBe("index.mjs");
    expect(lambdaPackage.suggestedKey).toMatch(
      new RegExp(`^eks-node-drainer/[^/]+/${lambdaPackage.sha256.slice(0, 16)}\\.zip$`),
    );
  });
});
