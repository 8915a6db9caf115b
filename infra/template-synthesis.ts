import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { projectRoot } from "./lambda-bundle.js";
import { NodeDrainerTemplateStack } from "./template-stack.js";

/** Where the plain CloudFormation template is committed. */
export const templatePath = join(projectRoot, "deploy", "eks-node-drainer.template.json");

/** The template as committed: synthesized from NodeDrainerTemplateStack, independent of any CDK CLI context. */
export function synthesizeTemplate(): Record<string, unknown> {
  const app = new App({ context: {}, autoSynth: false });
  const stack = new NodeDrainerTemplateStack(app, "EksNodeDrainer");
  const assembly = app.synth();
  return assembly.getStackArtifact(stack.artifactId).template as Record<string, unknown>;
}

/** The file's exact text: two-space JSON and a final newline. */
export function templateText(template: Record<string, unknown>): string {
  return `${JSON.stringify(template, null, 2)}\n`;
}
