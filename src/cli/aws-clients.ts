import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { SQSClient } from "@aws-sdk/client-sqs";
import { AutoScalingLifecycle } from "../aws/auto-scaling-lifecycle.js";
import { defaultCredentialSource } from "../aws/credentials.js";
import { Ec2InstanceDirectory } from "../aws/instance-directory.js";
import type { LifecycleActions } from "../aws/lifecycle.js";
import type { LoadBalancing } from "../aws/load-balancing.js";
import { AutoScalingTrafficSources, Elbv2TargetGroups } from "../aws/load-balancing-clients.js";

/**
 * The command line's AWS clients, through the SDK's default credentials and region (or `region`). Loaded
 * only by the commands that talk to AWS (`serve`, `drain --complete-lifecycle-action`): `drain` and `plan`
 * never load the SDK.
 */
const regionOf = (region: string | undefined) => (region === undefined ? {} : { region });

export function autoScalingLifecycle(region: string | undefined): LifecycleActions {
  return new AutoScalingLifecycle(new AutoScalingClient(regionOf(region)));
}

export function loadBalancing(region: string | undefined): LoadBalancing {
  return {
    trafficSources: new AutoScalingTrafficSources(new AutoScalingClient(regionOf(region))),
    targets: new Elbv2TargetGroups(new ElasticLoadBalancingV2Client(regionOf(region))),
  };
}

export function queueClient(region: string | undefined): SQSClient {
  return new SQSClient(regionOf(region));
}

export function instanceDirectory(region: string | undefined, env: NodeJS.ProcessEnv) {
  return new Ec2InstanceDirectory({
    region: region ?? "",
    credentials: defaultCredentialSource(),
    endpoint: env.AWS_ENDPOINT_URL_EC2 || env.AWS_ENDPOINT_URL || undefined,
  });
}
