import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { NodeDrainer, type NodeDrainerProps } from "../../infra/node-drainer.js";

/** Inline code, so a stack synthesizes without bundling the handler. */
export const inlineCode = lambda.Code.fromInline(
  "export const handler = async () => ({ batchItemFailures: [] });",
);

export interface DrainerStack {
  readonly app: App;
  readonly stack: Stack;
  readonly drainer: NodeDrainer;
}

/** An environment-agnostic stack holding one NodeDrainer, as the CDK app builds it. */
export function drainerStack(
  props: Partial<NodeDrainerProps> = {},
  configure?: (stack: Stack) => Partial<NodeDrainerProps>,
): DrainerStack {
  const app = new App();
  const stack = new Stack(app, "Drainer");
  const drainer = new NodeDrainer(stack, "NodeDrainer", {
    clusterName: "prod",
    autoScalingGroups: ["ng-a", "ng-b"],
    code: inlineCode,
    ...props,
    ...configure?.(stack),
  });
  return { app, stack, drainer };
}

export function templateOf(stack: Stack): Template {
  return Template.fromStack(stack);
}

type Json = Record<string, unknown>;

/** The one resource of a type (fails loudly when there are several or none). */
export function onlyResource(template: Template, type: string): Json {
  const found = Object.values(template.findResources(type));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as Json;
}

export function propertiesOf(resource: Json): Json {
  return resource.Properties as Json;
}
