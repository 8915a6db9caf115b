import { Logger } from "@aws-lambda-powertools/logger";
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { EKSClient } from "@aws-sdk/client-eks";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Context } from "aws-lambda";
import { AutoScalingLifecycle } from "../aws/auto-scaling-lifecycle.js";
import { EksClusterAccess } from "../aws/cluster-access.js";
import { createHandler, type DrainerHandler } from "./create-handler.js";
import { powertoolsLog } from "./handler-log.js";
import type { HandlerResponse } from "./invocation-shell.js";
import { lazyEc2InstanceDirectory } from "./lazy-instance-directory.js";
import { readSettings, SettingsError } from "./settings.js";

export { createHandler, type DrainerHandler, type HandlerDependencies } from "./create-handler.js";
export type { HandlerResponse, InvocationContext, InvocationSummary } from "./invocation-shell.js";

const logger = new Logger({ serviceName: "eks-node-drainer" });
let built: DrainerHandler | undefined;

/** The AWS adapters, built once per warm container on the first invocation. */
function build(): DrainerHandler {
  const settings = readSettings(process.env);
  const region = process.env.AWS_REGION;
  if (region === undefined || region === "") {
    throw new SettingsError("invalid Lambda environment: AWS_REGION: Lambda sets it; it is missing");
  }
  return createHandler({
    settings,
    lifecycle: new AutoScalingLifecycle(new AutoScalingClient({ region })),
    clusterAccess: new EksClusterAccess({ eks: new EKSClient({ region }), region }),
    instances: lazyEc2InstanceDirectory(region),
    sqs: new SQSClient({ region }),
    lambda: new LambdaClient({ region }),
    log: powertoolsLog(logger),
  });
}

/**
 * The Lambda entry point: an SQS batch (answered with partial batch failures) or one EventBridge event or
 * continuation invoked directly. A thin composition root: settings, adapters, then delegate.
 */
export async function handler(event: unknown, context: Context): Promise<HandlerResponse> {
  logger.addContext(context);
  built ??= build();
  return built(event, context);
}
