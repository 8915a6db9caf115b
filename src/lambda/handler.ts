import { Logger } from "@aws-lambda-powertools/logger";
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { EKSClient } from "@aws-sdk/client-eks";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Context } from "aws-lambda";
import { AutoScalingLifecycle } from "../aws/auto-scaling-lifecycle.js";
import { EksClusterAccess } from "../aws/cluster-access.js";
import { defaultCredentialSource } from "../aws/credentials.js";
import { Ec2InstanceDirectory } from "../aws/instance-directory.js";
import { AutoScalingTrafficSources, Elbv2TargetGroups } from "../aws/load-balancing-clients.js";
import { readSettings, SettingsError } from "../lifecycle/index.js";
import { createHandler, type DrainerHandler } from "./create-handler.js";
import type { HandlerResponse } from "./invocation-shell.js";
import { powertoolsLog } from "./powertools-log.js";

export { createHandler, type DrainerHandler, type HandlerDependencies } from "./create-handler.js";
export type { HandlerResponse, InvocationContext, InvocationSummary } from "./invocation-shell.js";

const logger = new Logger({ serviceName: "eks-node-drainer" });
let built: DrainerHandler | undefined;

/**
 * The EC2 endpoint the SDK clients would use: `AWS_ENDPOINT_URL_EC2`, then `AWS_ENDPOINT_URL`, unless
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true; otherwise the regional one.
 */
function configuredEc2Endpoint(env: NodeJS.ProcessEnv): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === "true") return undefined;
  return env.AWS_ENDPOINT_URL_EC2 || env.AWS_ENDPOINT_URL || undefined;
}

/** The AWS adapters, built once per warm container on the first invocation. */
function build(): DrainerHandler {
  const settings = readSettings(process.env, (warning) => logger.warn(warning));
  const region = process.env.AWS_REGION;
  if (region === undefined || region === "") {
    throw new SettingsError("invalid Lambda environment: AWS_REGION: Lambda sets it; it is missing");
  }
  const credentials = defaultCredentialSource();
  const autoScaling = new AutoScalingClient({ region });
  return createHandler({
    settings,
    lifecycle: new AutoScalingLifecycle(autoScaling),
    loadBalancing: {
      trafficSources: new AutoScalingTrafficSources(autoScaling),
      targets: new Elbv2TargetGroups(new ElasticLoadBalancingV2Client({ region })),
    },
    clusterAccess: new EksClusterAccess({ eks: new EKSClient({ region }), region, credentials }),
    instances: new Ec2InstanceDirectory({
      region,
      credentials,
      endpoint: configuredEc2Endpoint(process.env),
    }),
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
